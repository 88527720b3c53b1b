using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Octokit;
using CommitState = Bridge.Core.Statuses.CommitState;
using CommitStatus = Bridge.Core.Statuses.CommitStatus;
using OctoState = Octokit.CommitState;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Posts commit statuses with Octokit and turns GitHub's answers into what the handler needs to know:
/// posted, rejected for good (422), misconfigured (401 twice, 403, 404), rate-limited (with the wait), or transient.
/// Transport retries (5xx, timeouts, short Retry-After) happen below in the resilience handler.
/// </summary>
public sealed class OctokitStatusPublisher(
    IGitHubTokenProvider tokens,
    Uri apiBaseUrl,
    Func<HttpMessageHandler> handlerFactory,
    GitHubRateGate gate,
    TimeProvider time) : IStatusPublisher
{
    /// <summary>GitHub's advice when a rate limit names no wait: at least a minute.</summary>
    public static readonly TimeSpan RateLimitFloor = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One client per token (a PAT, or one installation token per app installation), rebuilt as tokens rotate, with the
    /// token's rate-gate lane: both are made once per token, not once per post.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenClient> _clients = new(StringComparer.Ordinal);

    private sealed class TokenClient(IGitHubClient client, string lane)
    {
        public IGitHubClient Client => client;
        public string Lane => lane;
    }

    public async Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(revision.Owner, revision.Repository, false, ct).ConfigureAwait(false);
        var (result, tokenRejected) = await PostAsync(token, revision, status, ct).ConfigureAwait(false);
        if (tokenRejected)
        {
            // The token may have been rotated in Key Vault, or an installation token revoked: get a fresh one once.
            var fresh = await tokens.GetTokenAsync(revision.Owner, revision.Repository, true, ct).ConfigureAwait(false);
            if (fresh != token) (result, _) = await PostAsync(fresh, revision, status, ct).ConfigureAwait(false);
        }
        return result;
    }

    /// <returns>The result, and whether GitHub refused the token itself (401), which a fresh token may cure.</returns>
    private async Task<(PublishResult Result, bool TokenRejected)> PostAsync(string token, GitHubRevision r, CommitStatus status, CancellationToken ct)
    {
        var tokenClient = ClientFor(token);
        var lane = tokenClient.Lane;
        if (gate.Blocked(lane) is { } wait)
        {
            BridgeTelemetry.RateLimitWait("github");
            return (PublishResult.Failed(FailureKind.RateLimited, "GitHub asked the bridge to wait; nothing was sent", Ceil(wait)), false);
        }

        var (slot, retryAfter) = await gate.EnterAsync(lane, ct).ConfigureAwait(false);
        if (slot is null)
        {
            BridgeTelemetry.RateLimitWait("bridge-write-limit");
            return (PublishResult.Failed(FailureKind.RateLimited, "the bridge's own limit of status writes per minute is reached", Ceil(retryAfter!.Value)), false);
        }
        using (slot)
        {
            using var call = BridgeTelemetry.StartUpstream("github", "create-status");
            try
            {
                await tokenClient.Client.Repository.Status.Create(r.Owner, r.Repository, r.Sha, new NewCommitStatus
                {
                    State = status.State switch
                    {
                        CommitState.Pending => OctoState.Pending,
                        CommitState.Success => OctoState.Success,
                        CommitState.Failure => OctoState.Failure,
                        _ => OctoState.Error,
                    },
                    Context = status.Context,
                    Description = status.Description,
                    TargetUrl = status.TargetUrl,
                }).WaitAsync(ct).ConfigureAwait(false);
                call.Succeeded();
                return (PublishResult.Posted, false);
            }
            catch (ApiException ex)
            {
                call.Failed(((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return (Map(ex, lane), ex.StatusCode == System.Net.HttpStatusCode.Unauthorized);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException && !ct.IsCancellationRequested)
            {
                return (PublishResult.Failed(FailureKind.Transient, "GitHub could not be reached or did not answer in time"), false);
            }
        }
    }

    private PublishResult Map(ApiException ex, string lane)
    {
        var message = GitHubMessage(ex);
        if (RateLimitWait(ex) is { } wait)
        {
            gate.BlockFor(lane, wait);
            return PublishResult.Failed(FailureKind.RateLimited, $"{(int)ex.StatusCode} rate limited: {message}", Ceil(wait));
        }
        return (int)ex.StatusCode switch
        {
            401 => PublishResult.Failed(FailureKind.Misconfigured, $"401 GitHub rejected the token: {message}"),
            403 => PublishResult.Failed(FailureKind.Misconfigured, $"403 the token may not write statuses to this repository: {message}"),
            404 => PublishResult.Failed(FailureKind.Misconfigured, $"404 the repository is not visible to the token: {message}"),
            422 => PublishResult.Failed(FailureKind.Rejected, $"422 {message}"),
            >= 500 or 408 => PublishResult.Failed(FailureKind.Transient, $"{(int)ex.StatusCode} {message}"),
            _ => PublishResult.Failed(FailureKind.Misconfigured, $"{(int)ex.StatusCode} {message}"),
        };
    }

    /// <summary>GitHub's rule: retry-after, else x-ratelimit-reset when remaining is 0, else at least 60 s.</summary>
    private TimeSpan? RateLimitWait(ApiException ex)
    {
        var status = (int)ex.StatusCode;
        var headers = ex.HttpResponse?.Headers;
        string? Header(string name) =>
            headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        var isLimit = status == 429 || ex is RateLimitExceededException or SecondaryRateLimitExceededException
            || (status == 403 && (Header("retry-after") is not null || Header("x-ratelimit-remaining") == "0"));
        if (!isLimit) return null;
        if (int.TryParse(Header("retry-after"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(Math.Max(1, seconds));
        if (Header("x-ratelimit-remaining") == "0" && long.TryParse(Header("x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow();
            return until > TimeSpan.Zero ? until : TimeSpan.FromSeconds(1);
        }
        return RateLimitFloor;
    }

    private static string GitHubMessage(ApiException ex)
    {
        var text = ex.ApiError?.Message ?? ex.Message;
        if (ex.ApiError?.Errors is { Count: > 0 } errors)
            text += ": " + string.Join("; ", errors.Select(e => e.Message ?? $"{e.Field} {e.Code}"));
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    private TokenClient ClientFor(string token)
    {
        if (_clients.TryGetValue(token, out var client)) return client;
        if (_clients.Count > 256) _clients.Clear(); // rotated tokens: old clients are dropped, not accumulated
        return _clients.GetOrAdd(token, t => new TokenClient(GitHubClientFactory.Create(apiBaseUrl, t, handlerFactory), LaneKey(t)));
    }

    private static string LaneKey(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 8);

    private static TimeSpan Ceil(TimeSpan t) => TimeSpan.FromSeconds(Math.Ceiling(Math.Max(1, t.TotalSeconds)));
}
