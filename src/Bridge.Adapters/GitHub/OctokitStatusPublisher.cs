using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Octokit;
using CommitState = Bridge.Core.Statuses.CommitState;
using CommitStatus = Bridge.Core.Statuses.CommitStatus;
using OctoState = Octokit.CommitState;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Posts commit statuses and turns GitHub's answers into what the handler needs to know: posted (a 201 and nothing
/// else), rejected for good (422), misconfigured (401 twice, 403, 404, a redirect off the API host), rate-limited
/// (with the wait), or transient (5xx, timeouts, and any other 2xx: a proxy's 200 page or a 202 created nothing).
/// The POST is written by hand over the "github" HttpClient pipeline (the body is the one Octokit would write, see
/// <see cref="GitHubJsonSerializer"/>) so that the status code, the headers and a body that cannot be read are all seen.
/// Transport retries of other requests happen below in the resilience handler; a status POST that timed out or lost its
/// connection is not retried there, because GitHub may have created the status: the publisher looks first.
/// </summary>
public sealed class OctokitStatusPublisher(
    IGitHubTokenProvider tokens,
    Uri apiBaseUrl,
    Func<HttpMessageHandler> handlerFactory,
    GitHubRateGate gate,
    TimeProvider time,
    RequestBudget? budget = null) : IStatusPublisher
{
    /// <summary>GitHub's advice when a rate limit names no wait: at least a minute.</summary>
    public static readonly TimeSpan RateLimitFloor = TimeSpan.FromSeconds(60);

    private static readonly string UserAgent = $"{GitHubClientFactory.Product.Name}/{GitHubClientFactory.Product.Version}";
    private readonly Uri _base = GitHubClientFactory.ApiBase(apiBaseUrl);
    private readonly RequestBudget _budget = budget ?? RequestBudget.Default;

    /// <summary>The token's rate-gate lane, made once per token, not once per post.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _lanes = new(StringComparer.Ordinal);

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
        var lane = LaneFor(token);
        if (gate.Blocked(lane) is { } wait)
            return (PublishResult.Failed(FailureKind.RateLimited, "GitHub asked the bridge to wait; nothing was sent", Ceil(wait)), false);

        var (slot, retryAfter) = await gate.EnterAsync(lane, ct).ConfigureAwait(false);
        if (slot is null)
            return (PublishResult.Failed(FailureKind.RateLimited, "the bridge's own limit of status writes per minute or per hour is reached", Ceil(retryAfter!.Value)), false);
        using (slot)
        {
            // Every attempt, look and retry included, within the upstream budget.
            using var upstream = new CancellationTokenSource(_budget.Upstream, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, upstream.Token);
            using var http = new HttpClient(handlerFactory(), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
            var body = GitHubJsonSerializer.Instance.Serialize(new NewCommitStatus
            {
                State = Wire(status.State),
                Context = status.Context,
                Description = status.Description,
                TargetUrl = status.TargetUrl,
            });
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var request = Request(HttpMethod.Post, $"repos/{Escape(r.Owner)}/{Escape(r.Repository)}/statuses/{Escape(r.Sha)}", token);
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                    return (await JudgeAsync(response, lane, linked.Token).ConfigureAwait(false), response.StatusCode == System.Net.HttpStatusCode.Unauthorized);
                }
                catch (GitHubRedirectException ex)
                {
                    return (PublishResult.Failed(FailureKind.Misconfigured, ex.Message), false);
                }
                catch (Exception ex) when (IsNoAnswer(ex) && !ct.IsCancellationRequested)
                {
                    // No answer: GitHub may still have created the status (a slow answer, a cut connection). Look before
                    // posting again, so one delivery never creates two statuses.
                    if (!upstream.IsCancellationRequested && await ShowsAsync(http, token, r, status, linked.Token).ConfigureAwait(false) is { } shown)
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
    private async Task<bool?> ShowsAsync(HttpClient http, string token, GitHubRevision r, CommitStatus status, CancellationToken ct)
    {
        try
        {
            using var request = Request(HttpMethod.Get, $"repos/{Escape(r.Owner)}/{Escape(r.Repository)}/commits/{Escape(r.Sha)}/statuses?per_page=100", token);
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.OK) return null;
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            if (document.RootElement.ValueKind != JsonValueKind.Array) return null;
            // GitHub lists newest first.
            foreach (var shown in document.RootElement.EnumerateArray())
            {
                if (Text(shown, "context") != status.Context) continue;
                return Text(shown, "state") == CommitStateJsonConverter.WireName(Wire(status.State))
                    && (Text(shown, "description") ?? "") == (status.Description ?? "")
                    && (Text(shown, "target_url") ?? "") == (status.TargetUrl ?? "");
            }
            return false;
        }
        catch (Exception ex) when (IsNoAnswer(ex) || ex is JsonException or GitHubRedirectException)
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

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private HttpRequestMessage Request(HttpMethod method, string relative, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, relative));
        // Unvalidated: a malformed token must not end up quoted in a FormatException.
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return request;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Only a 201 is a created status; a 201 whose body cannot be read still is (GitHub has it).</summary>
    private async Task<PublishResult> JudgeAsync(HttpResponseMessage response, string lane, CancellationToken ct)
    {
        var code = (int)response.StatusCode;
        if (code == 201) return PublishResult.Posted;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
        if (code is >= 200 and < 300)
            return PublishResult.Failed(FailureKind.Transient, $"GitHub answered {code} ({mediaType}) instead of 201 Created: no status was created (a proxy in the way?)");
        if (code is >= 300 and < 400)
            return PublishResult.Failed(FailureKind.Misconfigured, $"GitHub answered {code} redirecting to {response.Headers.Location?.GetLeftPart(UriPartial.Path) ?? "nowhere"}, which the bridge does not follow for a write");

        var message = await GitHubMessageAsync(response, ct).ConfigureAwait(false);
        if (RateLimitWait(response, message) is { } wait)
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
    private TimeSpan? RateLimitWait(HttpResponseMessage response, string message)
    {
        var status = (int)response.StatusCode;
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        var isLimit = status == 429
            || (status == 403 && (Header("retry-after") is not null || Header("x-ratelimit-remaining") == "0"
                || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase)));
        if (!isLimit) return null;
        if (int.TryParse(Header("retry-after"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return RequestBudget.CapRetryAfter(TimeSpan.FromSeconds(Math.Max(1, seconds)));
        if (Header("x-ratelimit-remaining") == "0" && long.TryParse(Header("x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(Math.Min(reset, 253_402_300_799)) - time.GetUtcNow();
            return until > TimeSpan.Zero ? RequestBudget.CapRetryAfter(until) : TimeSpan.FromSeconds(1);
        }
        return RateLimitFloor;
    }

    /// <summary>GitHub's <c>message</c> and <c>errors</c>; for a body that is not GitHub's JSON, only the status's reason.</summary>
    private static async Task<string> GitHubMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var root = document.RootElement;
            text = root.ValueKind == JsonValueKind.Object && Text(root, "message") is { } m ? m : response.ReasonPhrase ?? "";
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                text += ": " + string.Join("; ", errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object
                    ? Text(e, "message") ?? $"{Text(e, "field")} {Text(e, "code")}"
                    : e.ToString()));
        }
        catch (JsonException)
        {
            text = response.ReasonPhrase ?? "";
        }
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    private string LaneFor(string token)
    {
        if (_lanes.TryGetValue(token, out var lane)) return lane;
        if (_lanes.Count > 256) _lanes.Clear(); // rotated tokens: old lanes' keys are dropped, not accumulated
        return _lanes.GetOrAdd(token, LaneKey);
    }

    private static string LaneKey(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 8);

    private static TimeSpan Ceil(TimeSpan t) => TimeSpan.FromSeconds(Math.Ceiling(Math.Max(1, t.TotalSeconds)));
}
