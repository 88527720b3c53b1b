using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Octokit;
using CommitState = Bridge.Core.Statuses.CommitState;
using CommitStatus = Bridge.Core.Statuses.CommitStatus;
using OctoState = Octokit.CommitState;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Posts commit statuses through Octokit and turns GitHub's answers into what the handler needs to know: posted (a 201
/// and nothing else), rejected for good (422), misconfigured (401 twice, 403, 404, a redirect off the API host),
/// rate-limited (with the wait), or transient (5xx, timeouts, and any other 2xx: a proxy's 200 page or a 202 created nothing).
/// </summary>
/// <remarks>
/// The POST goes through Octokit's connection (<see cref="IConnection"/>'s <c>Post&lt;T&gt;</c>), not
/// <c>Repository.Status.Create</c>: that one returns only the model, so a proxy's 200 text/html or a 202 with no body
/// would count as created, and a 201 whose body is not JSON would throw although GitHub has the status. The connection's
/// <see cref="IApiResponse{T}"/> carries the status code, the content type and the headers; its body is read as a
/// <see cref="StatusCreateAnswer"/>, which <see cref="GitHubJsonSerializer"/> never fails to read. Errors are Octokit's
/// exceptions (<see cref="ApiException"/> and its kinds), mapped with their <see cref="ApiException.HttpResponse"/>.
/// Transport retries of other requests happen below in the resilience handler; a status POST that timed out or lost its
/// connection is not retried there, because GitHub may have created the status: the publisher looks first (Octokit's
/// <c>Connection.Get</c> of the commit's statuses). Redirects are followed, or refused, by <see cref="GitHubRedirectHandler"/>
/// in the client's handler chain, never by Octokit.
/// </remarks>
public sealed partial class OctokitStatusPublisher(
    IGitHubTokenProvider tokens,
    Uri apiBaseUrl,
    Func<HttpMessageHandler> handlerFactory,
    GitHubRateGate gate,
    TimeProvider time,
    RequestBudget? budget = null) : IStatusPublisher, ICheckRunPublisher
{
    /// <summary>GitHub's advice when a rate limit names no wait: at least a minute.</summary>
    public static readonly TimeSpan RateLimitFloor = TimeSpan.FromSeconds(60);

    /// <summary>The statuses GitHub lists for a commit when looking: the newest hundred (one page).</summary>
    private static readonly Dictionary<string, string> NewestPage = new(StringComparer.Ordinal) { ["per_page"] = "100" };

    private readonly RequestBudget _budget = budget ?? RequestBudget.Default;

    /// <summary>
    /// One client per token (a PAT, or one installation token per app installation), rebuilt as tokens rotate, with the
    /// token's rate-gate lane: both are made once per token, not once per post.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenClient> _clients = new(StringComparer.Ordinal);

    private sealed class TokenClient(IGitHubClient client, string lane)
    {
        public IConnection Connection => client.Connection;
        public string Lane => lane;
    }

    public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct) =>
        WithTokenAsync(revision, status, static (self, token, r, s, token2) => self.PostAsync(token, r, s, token2), ct);

    /// <summary>
    /// Runs one write with the token for the revision's owner and, when GitHub refused that token (401), once more with
    /// a fresh one: it may have been rotated in Key Vault, or an installation token revoked.
    /// </summary>
    private async Task<PublishResult> WithTokenAsync<TWrite>(GitHubRevision revision, TWrite what,
        Func<OctokitStatusPublisher, string, GitHubRevision, TWrite, CancellationToken, Task<(PublishResult Result, bool TokenRejected)>> write, CancellationToken ct)
    {
        var token = await tokens.GetTokenAsync(revision.Owner, revision.Repository, false, ct).ConfigureAwait(false);
        var (result, tokenRejected) = await write(this, token, revision, what, ct).ConfigureAwait(false);
        if (tokenRejected)
        {
            var fresh = await tokens.GetTokenAsync(revision.Owner, revision.Repository, true, ct).ConfigureAwait(false);
            if (fresh != token) (result, _) = await write(this, fresh, revision, what, ct).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>
    /// A place in the token's write lane (statuses and check runs share GitHub's limits), or why not: GitHub asked the
    /// bridge to wait, or the bridge's own per-minute or per-hour limit is reached. Nothing is sent in either case.
    /// </summary>
    private async Task<(IDisposable? Slot, PublishResult? Refused)> EnterLaneAsync(TokenClient client, CancellationToken ct)
    {
        if (gate.Blocked(client.Lane) is { } wait)
        {
            BridgeTelemetry.RateLimitWait("github");
            return (null, PublishResult.Failed(FailureKind.RateLimited, "GitHub asked the bridge to wait; nothing was sent", Ceil(wait)));
        }
        var (slot, retryAfter) = await gate.EnterAsync(client.Lane, ct).ConfigureAwait(false);
        if (slot is not null) return (slot, null);
        BridgeTelemetry.RateLimitWait("bridge-write-limit");
        return (null, PublishResult.Failed(FailureKind.RateLimited, "the bridge's own limit of GitHub writes per minute or per hour is reached", Ceil(retryAfter!.Value)));
    }

    /// <returns>The result, and whether GitHub refused the token itself (401), which a fresh token may cure.</returns>
    private async Task<(PublishResult Result, bool TokenRejected)> PostAsync(string token, GitHubRevision r, CommitStatus status, CancellationToken ct)
    {
        var client = ClientFor(token);
        var lane = client.Lane;
        var (slot, refused) = await EnterLaneAsync(client, ct).ConfigureAwait(false);
        if (refused is not null) return (refused, false);
        using (slot)
        {
            using var call = BridgeTelemetry.StartUpstream("github", "create-status");
            // Every attempt, look and retry included, within the upstream budget.
            using var upstream = new CancellationTokenSource(_budget.Upstream, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, upstream.Token);
            var body = new NewCommitStatus
            {
                State = Wire(status.State),
                Context = status.Context,
                Description = status.Description,
                TargetUrl = status.TargetUrl,
            };
            var uri = ApiUrls.CreateCommitStatus(r.Owner, r.Repository, r.Sha);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Accept is left to the handler chain (JsonContentTypeHandler); the body is JSON and says so.
                    var answer = await client.Connection.Post<StatusCreateAnswer>(uri, body, null, "application/json", cancellationToken: linked.Token).ConfigureAwait(false);
                    var judged = Judge(answer.HttpResponse);
                    if (judged.Failure is null) call.Succeeded();
                    else call.Failed(((int)answer.HttpResponse.StatusCode).ToString(CultureInfo.InvariantCulture));
                    return (judged, false);
                }
                catch (ApiException ex)
                {
                    call.Failed(((int)ex.StatusCode).ToString(CultureInfo.InvariantCulture));
                    return (Map(ex, lane), ex.StatusCode == System.Net.HttpStatusCode.Unauthorized);
                }
                catch (GitHubRedirectException ex)
                {
                    return (PublishResult.Failed(FailureKind.Misconfigured, ex.Message), false);
                }
                catch (Exception ex) when (IsNoAnswer(ex) && !ct.IsCancellationRequested)
                {
                    // No answer: GitHub may still have created the status (a slow answer, a cut connection). Look before
                    // posting again, so one delivery never creates two statuses.
                    if (!upstream.IsCancellationRequested && await ShowsAsync(client.Connection, r, status, linked.Token).ConfigureAwait(false) is { } shown)
                    {
                        if (shown) return (PublishResult.Posted, false);
                        if (attempt < 2) continue;
                    }
                    return (PublishResult.Failed(FailureKind.Transient, "GitHub could not be reached or did not answer in time"), false);
                }
            }
        }
    }

    private static bool IsNoAnswer(Exception ex) =>
        ex is HttpRequestException or TaskCanceledException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException;

    /// <summary>
    /// Whether the newest status GitHub shows for this commit and context is the one being posted (state, description
    /// and target URL); null when GitHub could not be asked either.
    /// </summary>
    private static async Task<bool?> ShowsAsync(IConnection connection, GitHubRevision r, CommitStatus status, CancellationToken ct)
    {
        try
        {
            var listed = await connection.Get<List<CommitStatusWire>>(ApiUrls.CommitStatuses(r.Owner, r.Repository, r.Sha), NewestPage, null, ct).ConfigureAwait(false);
            if (listed.HttpResponse.StatusCode != System.Net.HttpStatusCode.OK || listed.Body is not { } statuses) return null;
            // GitHub lists newest first.
            foreach (var shown in statuses)
            {
                if (shown?.Context != status.Context) continue;
                return shown.State == CommitStateJsonConverter.WireName(Wire(status.State))
                    && (shown.Description ?? "") == (status.Description ?? "")
                    && (shown.TargetUrl ?? "") == (status.TargetUrl ?? "");
            }
            return false;
        }
        catch (Exception ex) when (IsNoAnswer(ex) || ex is ApiException or GitHubRedirectException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static OctoState Wire(CommitState state) => state switch
    {
        CommitState.Pending => OctoState.Pending,
        CommitState.Success => OctoState.Success,
        CommitState.Failure => OctoState.Failure,
        _ => OctoState.Error,
    };

    /// <summary>Only a 201 is a created status; a 201 whose body cannot be read still is (GitHub has it).</summary>
    private static PublishResult Judge(IResponse response)
    {
        var code = (int)response.StatusCode;
        if (code == 201) return PublishResult.Posted;
        if (code is >= 200 and < 300)
            return PublishResult.Failed(FailureKind.Transient, $"GitHub answered {code} ({response.ContentType ?? "no content type"}) instead of 201 Created: no status was created (a proxy in the way?)");
        // A redirect GitHubRedirectHandler neither follows nor refuses has no Location (it refuses every other).
        return PublishResult.Failed(FailureKind.Misconfigured, $"GitHub answered {code} instead of 201 Created{(Header(response, "Location") is { } to ? $", redirecting to {to}" : "")}");
    }

    private PublishResult Map(ApiException ex, string lane)
    {
        var code = (int)ex.StatusCode;
        var message = GitHubMessage(ex);
        if (RateLimitWait(ex, message) is { } wait)
        {
            gate.BlockFor(lane, wait);
            return PublishResult.Failed(FailureKind.RateLimited, $"{code} rate limited: {message}", Ceil(wait));
        }
        return code switch
        {
            401 => PublishResult.Failed(FailureKind.Misconfigured, $"401 GitHub rejected the token: {message}"),
            403 => PublishResult.Failed(FailureKind.Misconfigured, $"403 the token may not write statuses to this repository: {message}"),
            404 => PublishResult.Failed(FailureKind.Misconfigured, $"404 the repository is not visible to the token: {message}"),
            422 => PublishResult.Failed(FailureKind.Rejected, $"422 {message}"),
            >= 500 or 408 => PublishResult.Failed(FailureKind.Transient, $"{code} {message}"),
            _ => PublishResult.Failed(FailureKind.Misconfigured, $"{code} {message}"),
        };
    }

    /// <summary>GitHub's rule: retry-after, else x-ratelimit-reset when remaining is 0, else at least 60 s; at most an hour.</summary>
    private TimeSpan? RateLimitWait(ApiException ex, string message)
    {
        var status = (int)ex.StatusCode;
        string? Get(string name) => ex.HttpResponse is { } response ? Header(response, name) : null;

        var isLimit = status == 429 || ex is RateLimitExceededException or SecondaryRateLimitExceededException
            || (status == 403 && (Get("retry-after") is not null || Get("x-ratelimit-remaining") == "0"
                || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase)));
        if (!isLimit) return null;
        if (int.TryParse(Get("retry-after"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return RequestBudget.CapRetryAfter(TimeSpan.FromSeconds(Math.Max(1, seconds)));
        if (Get("x-ratelimit-remaining") == "0" && long.TryParse(Get("x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(Math.Min(reset, 253_402_300_799)) - time.GetUtcNow();
            return until > TimeSpan.Zero ? RequestBudget.CapRetryAfter(until) : TimeSpan.FromSeconds(1);
        }
        return RateLimitFloor;
    }

    /// <summary>Octokit keeps only the first value of each header, under the name the response used.</summary>
    private static string? Header(IResponse response, string name) =>
        response.Headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// GitHub's <c>message</c> and <c>errors</c>; for a body that is not GitHub's JSON (Octokit then takes the whole body
    /// as the message: a proxy's HTML page) only the status's name.
    /// </summary>
    private static string GitHubMessage(ApiException ex)
    {
        var body = ex.HttpResponse?.Body as string;
        var isJson = body is not null && body.TrimStart().StartsWith('{');
        var text = isJson && ex.ApiError?.Message is { } m && m != body ? m : ReasonPhrase(ex.StatusCode);
        if (isJson && ex.ApiError?.Errors is { Count: > 0 } errors)
            text += ": " + string.Join("; ", errors.Select(e => e.Message ?? $"{e.Field} {e.Code}"));
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    private static string ReasonPhrase(System.Net.HttpStatusCode code)
    {
        using var response = new HttpResponseMessage(code);
        return response.ReasonPhrase ?? "";
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

/// <summary>
/// What the bridge reads from GitHub's answer to a status POST: the status, or null when the body is not one (a 201
/// with an HTML body is still a created status). <see cref="GitHubJsonSerializer"/> reads it and never throws, so Octokit
/// hands back the response, with its status code, whatever the body.
/// </summary>
public sealed class StatusCreateAnswer(Octokit.CommitStatus? status)
{
    public Octokit.CommitStatus? Status => status;
}
