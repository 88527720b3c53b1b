using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// GitHub's REST commit-status API as the bridge uses it: <c>POST {prefix}/repos/{owner}/{repo}/statuses/{sha}</c> and a
/// minimal <c>/user</c> (the deep health check). Validates like GitHub (token, repository, SHA, body) and records what
/// GitHub would show (<see cref="Latest"/>). GitHub App authentication (app JWTs, installation tokens) is in
/// <c>FakeGitHub.Apps.cs</c> (<see cref="RegisterApp"/>).
/// </summary>
/// <remarks>
/// The path prefix is "" for github.com (<c>https://api.github.com/</c>) and <c>/api/v3</c> for GitHub Enterprise Server.
/// Faults (queued or standing) apply to status POSTs only, so a health check or an installation-token request keeps
/// working while posts fail.
/// </remarks>
public sealed partial class FakeGitHub : LoopbackServer
{
    public const string DocumentationUrl = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
    public const string SecondaryRateLimitMessage = "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.";
    public const string BotLogin = "sandbox-bot";
    private const int MaxDescriptionLength = 140;
    private static readonly string[] States = ["error", "failure", "pending", "success"];

    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _nonCommits = new(StringComparer.Ordinal);
    private readonly CommitStatusStore _statuses = new();
    private readonly RateLimitWindow _rateLimit;
    private readonly ConcurrentDictionary<string, string> _renames = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<byte> _unreadableCreatedAnswers = new();

    /// <param name="options">Listening, clock and recording options.</param>
    /// <param name="pathPrefix">"" (github.com style) or for example "/api/v3" (GitHub Enterprise Server style).</param>
    public FakeGitHub(LoopbackServerOptions? options = null, string pathPrefix = "")
        : base(options)
    {
        PathPrefix = pathPrefix.TrimEnd('/');
        if (PathPrefix.Length > 0 && PathPrefix[0] != '/')
        {
            throw new ArgumentException("The path prefix must start with '/', for example \"/api/v3\".", nameof(pathPrefix));
        }

        _rateLimit = new RateLimitWindow(Time, 5000);
    }

    public string PathPrefix { get; }

    /// <summary>The API root clients should use, for example <c>http://127.0.0.1:5000/api/v3/</c>.</summary>
    public Uri ApiAddress => new(BaseAddress, PathPrefix.TrimStart('/') + (PathPrefix.Length > 0 ? "/" : ""));

    /// <summary>The hourly limit reported in <c>x-ratelimit-limit</c> (default 5,000, a PAT's). Reported, never enforced.</summary>
    public int RateLimit
    {
        get => _rateLimit.Limit;
        set => _rateLimit.Limit = value;
    }

    /// <summary>Every accepted status, in arrival order.</summary>
    public IReadOnlyList<PostedStatus> Statuses => _statuses.All;

    /// <summary>500, 502 or 503 with GitHub's JSON body.</summary>
    public static CannedResponseFault ServerError(int status = 500) =>
        Fault.Respond(status, ResponseWriter.JsonObject(("message", status == 503 ? "Service Unavailable" : "Server Error")));

    /// <summary>429 with <c>retry-after</c>: GitHub's current answer to a secondary rate limit.</summary>
    public static CannedResponseFault RateLimit429(int retryAfterSeconds) =>
        Fault.Respond(429, ErrorBody(SecondaryRateLimitMessage, "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits", "429"))
            .WithHeader("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>403 "You have exceeded a secondary rate limit", with <c>retry-after</c> when given.</summary>
    public static CannedResponseFault SecondaryRateLimit403(int? retryAfterSeconds = null)
    {
        var fault = Fault.Respond(403, ErrorBody(SecondaryRateLimitMessage, "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits", "403"));
        return retryAfterSeconds is { } seconds ? fault.WithHeader("retry-after", seconds.ToString(CultureInfo.InvariantCulture)) : fault;
    }

    /// <summary>403 "API rate limit exceeded" with <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> = <paramref name="reset"/>.</summary>
    public static CannedResponseFault PrimaryRateLimit403(DateTimeOffset reset, int limit = 5000) =>
        Fault.Respond(403, ErrorBody("API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", "403"))
            .WithHeader("x-ratelimit-limit", limit.ToString(CultureInfo.InvariantCulture))
            .WithHeader("x-ratelimit-remaining", "0")
            .WithHeader("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .WithHeader("x-ratelimit-used", limit.ToString(CultureInfo.InvariantCulture))
            .WithHeader("x-ratelimit-resource", "core");

    /// <summary>200 text/html from a proxy in front of GitHub: a 2xx that created nothing.</summary>
    public static CannedResponseFault ProxyHtml200() =>
        Fault.Respond(200, "<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>", "text/html; charset=utf-8");

    /// <summary>202 Accepted with an empty body: a 2xx that is not a created status.</summary>
    public static CannedResponseFault Accepted202Empty() => Fault.Respond(202, "", "application/json; charset=utf-8");

    /// <summary>A redirect (307 by default) to <paramref name="location"/>, for example another host.</summary>
    public static CannedResponseFault RedirectTo(Uri location, int status = 307) =>
        Fault.Respond(status, ResponseWriter.JsonObject(("message", "Temporary Redirect"), ("url", location.AbsoluteUri), ("documentation_url", "https://docs.github.com/rest")))
            .WithHeader("Location", location.AbsoluteUri);

    /// <summary>
    /// A standing slowness of status creation: the status is recorded at once (GitHub keeps it), the 201 comes this much
    /// later on the server's clock. Null: answer at once.
    /// </summary>
    public TimeSpan? CreateAnswerDelay { get; set; }

    /// <summary>The next status creation records the status and answers 201 with a body that is not JSON.</summary>
    public void EnqueueUnreadableCreatedAnswer() => _unreadableCreatedAnswers.Enqueue(0);

    /// <summary>
    /// The repository <paramref name="from"/> ("owner/repo") was renamed or transferred to <paramref name="to"/>: requests
    /// under the old name get 301 (GET) or 307 (POST) with Location on this host, as GitHub answers.
    /// </summary>
    public void RenameRepository(string from, string to)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        _renames[from] = to;
    }

    public void AcceptToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _tokens[token] = 0;
    }

    /// <summary>The token stops working (401 Bad credentials): models a rotated or revoked PAT.</summary>
    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>Restricts the visible repositories ("owner/repo"); others answer 404. None registered: all are visible.</summary>
    public void AllowRepository(string ownerRepo) => _repositories[ownerRepo] = 0;

    /// <summary>
    /// A 40-hex object in "owner/repo" that is not a commit (an annotated tag's own object): GitHub refuses a status on
    /// it with 422 "No commit found for SHA", as it does for a SHA the repository does not have.
    /// </summary>
    public void AddNonCommit(string ownerRepo, string sha) => _nonCommits[$"{ownerRepo}@{sha.ToLowerInvariant()}"] = 0;

    /// <summary>What GitHub shows for this context: the last status to arrive, or null.</summary>
    public PostedStatus? Latest(string ownerRepo, string sha, string context) => _statuses.Latest(ownerRepo, sha, context);

    /// <summary>All statuses for this context, oldest first.</summary>
    public IReadOnlyList<PostedStatus> For(string ownerRepo, string sha, string context) => _statuses.For(ownerRepo, sha, context);

    public void ClearStatuses() => _statuses.Clear();

    protected override bool AcceptsFaults(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && !IsAppRequest(request.Path.Value);

    /// <summary>The app-JWT endpoints: <c>/app…</c> (token creation included) and the <c>…/installation</c> lookups.</summary>
    private bool IsAppRequest(string? path)
    {
        if (path is null || !path.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            return false;
        }

        // Matched segment by segment, never by suffix: only GitHub's own routes are app requests.
        var segments = path[PathPrefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["app", ..] or ["repos", _, _, "installation"];
    }

    protected override Task HandleAsync(IncomingRequest request)
    {
        var path = request.Request.Path.Value ?? "/";
        if (!path.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            return NotFoundAsync(request.Response);
        }

        // Like GitHub: every route under the API wants credentials; which ones is each route's business.
        if (string.IsNullOrEmpty(request.Header("Authorization")))
        {
            return WriteErrorAsync(request.Response, 401, "Requires authentication", "https://docs.github.com/rest");
        }

        var segments = path[PathPrefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var post = HttpMethods.IsPost(request.Request.Method);
        var get = HttpMethods.IsGet(request.Request.Method);
        if (segments is ["repos", var from, var named, ..] && _renames.TryGetValue($"{from}/{named}", out var renamed))
        {
            return MovedAsync(request, segments, renamed);
        }

        return segments switch
        {
            ["repos", var owner, var repo, "statuses", var sha] when post => CreateStatusAsync(request, owner, repo, sha),
            ["repos", var owner, var repo, "commits", var gitRef, "statuses"] when get => ListStatusesAsync(request, owner, repo, gitRef),
            ["repos", var owner, var repo, "check-runs"] when post => CreateCheckRunAsync(request, owner, repo),
            ["repos", var owner, var repo, "check-runs", var id] when HttpMethods.IsPatch(request.Request.Method) => UpdateCheckRunAsync(request, owner, repo, id),
            ["repos", var owner, var repo, "commits", var gitRef, "check-runs"] when get => ListCheckRunsAsync(request, owner, repo, gitRef),
            ["user"] when get => UserAsync(request),
            ["app"] when get => GetAppAsync(request),
            ["app", "installations", var id] when get => GetInstallationAsync(request, id),
            ["app", "installations", var id, "access_tokens"] when post => CreateInstallationTokenAsync(request, id),
            ["repos", var owner, var repo, "installation"] when get => RepositoryInstallationAsync(request, owner, repo),
            _ => NotFoundAsync(request.Response),
        };
    }

    private async Task CreateStatusAsync(IncomingRequest request, string owner, string repo, string sha)
    {
        if (await AuthenticateAsync(request).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        if (!IsVisible(owner, repo))
        {
            await NotFoundAsync(request.Response).ConfigureAwait(false);
            return;
        }

        if (!Grants(caller, owner, repo, "statuses", level: 2))
        {
            await NotAccessibleAsync(request.Response, DocumentationUrl).ConfigureAwait(false);
            return;
        }

        var token = caller.Token;

        if (!IsSha(sha) || _nonCommits.ContainsKey($"{owner}/{repo}@{sha.ToLowerInvariant()}"))
        {
            await WriteErrorAsync(request.Response, 422, $"No commit found for SHA: {sha}").ConfigureAwait(false);
            return;
        }

        // GitHub reads the body as JSON whatever the Content-Type (Octokit sends JSON labelled x-www-form-urlencoded).
        var input = StatusInput.Parse(request.BodyBytes.Span);
        if (input.Problem is { } problem)
        {
            await problem(request.Response).ConfigureAwait(false);
            return;
        }

        var status = _statuses.TryAdd($"{owner}/{repo}", sha, input.Context, sequence => new PostedStatus(
            Id: 30_000_000_000 + sequence,
            sequence,
            owner,
            repo,
            sha.ToLowerInvariant(),
            input.State,
            input.Context,
            input.Description,
            input.TargetUrl,
            token,
            request.Time));
        if (status is null)
        {
            await ValidationFailedAsync(request.Response, field: null, "This SHA and context has reached the maximum number of statuses.").ConfigureAwait(false);
            return;
        }

        // The status exists from here on, whatever becomes of the answer.
        if (CreateAnswerDelay is { } slow)
        {
            await HoldAsync(slow, request.Response.HttpContext.RequestAborted).ConfigureAwait(false);
        }

        _rateLimit.Consume().WriteHeaders(request.Response);
        request.Response.Headers.Location = StatusUrl(status);
        request.Response.Headers["x-github-request-id"] = RequestId(status.Sequence);
        if (_unreadableCreatedAnswers.TryDequeue(out _))
        {
            await ResponseWriter.WriteTextAsync(request.Response, 201, ResponseWriter.Json, "<html><body>upstream connect error</body></html>").ConfigureAwait(false);
            return;
        }

        await ResponseWriter.WriteJsonAsync(request.Response, 201, status, WriteStatus).ConfigureAwait(false);
    }

    /// <summary>GET the statuses of a ref, newest first (GitHub's order), every context.</summary>
    private async Task ListStatusesAsync(IncomingRequest request, string owner, string repo, string gitRef)
    {
        if (await AuthenticateAsync(request).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        if (!IsVisible(owner, repo) || !Grants(caller, owner, repo, "statuses", level: 1))
        {
            await NotFoundAsync(request.Response).ConfigureAwait(false);
            return;
        }

        var statuses = _statuses.All
            .Where(s => s.Owner.Equals(owner, StringComparison.OrdinalIgnoreCase) && s.Repo.Equals(repo, StringComparison.OrdinalIgnoreCase)
                && s.Sha.Equals(gitRef, StringComparison.OrdinalIgnoreCase))
            .Reverse()
            .ToList();
        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 200, statuses, (writer, list) =>
        {
            writer.WriteStartArray();
            foreach (var status in list)
            {
                WriteStatus(writer, status);
            }

            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>A renamed or transferred repository: 301 for GET, 307 for anything else, to the same path under the new name.</summary>
    private Task MovedAsync(IncomingRequest request, string[] segments, string renamed)
    {
        var rest = string.Join('/', segments.Skip(3));
        var location = $"{ApiRoot}/repos/{renamed}{(rest.Length > 0 ? "/" + rest : "")}{request.Request.QueryString}";
        var status = HttpMethods.IsGet(request.Request.Method) || HttpMethods.IsHead(request.Request.Method) ? 301 : 307;
        request.Response.Headers.Location = location;
        return ResponseWriter.WriteTextAsync(request.Response, status, ResponseWriter.Json, ResponseWriter.JsonObject(
            ("message", status == 301 ? "Moved Permanently" : "Temporary Redirect"),
            ("url", location),
            ("documentation_url", "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects")));
    }

    private async Task UserAsync(IncomingRequest request)
    {
        if (await AuthenticateAsync(request).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        if (caller.InstallationToken is not null)
        {
            // An installation acts as no user: GitHub refuses /user to installation tokens.
            await NotAccessibleAsync(request.Response, "https://docs.github.com/rest/users/users#get-the-authenticated-user").ConfigureAwait(false);
            return;
        }

        _rateLimit.Consume().WriteHeaders(request.Response);
        request.Response.Headers["x-oauth-scopes"] = "repo:status";
        request.Response.Headers["x-accepted-oauth-scopes"] = "";
        await ResponseWriter.WriteJsonAsync(request.Response, 200, this, static (writer, fake) => fake.WriteUser(writer)).ConfigureAwait(false);
    }

    /// <summary>Returns who the token acts as, or answers 401 and returns null.</summary>
    private async Task<Caller?> AuthenticateAsync(IncomingRequest request)
    {
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            await WriteErrorAsync(request.Response, 401, "Requires authentication", "https://docs.github.com/rest").ConfigureAwait(false);
            return null;
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? "" : authorization[..space];
        var token = space < 0 ? "" : authorization[(space + 1)..].Trim();
        var schemeValid = scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("token", StringComparison.OrdinalIgnoreCase);

        // An installation token the fake issued is judged by its own rules: once expired it is dead.
        var installationToken = schemeValid && token.Length > 0 && _installationTokens.TryGetValue(token, out var issued) ? issued : null;
        var valid = schemeValid
            && token.Length > 0
            && (installationToken is not null ? IsLive(installationToken, request.Time) : _tokens.ContainsKey(token));
        if (!valid)
        {
            await WriteErrorAsync(request.Response, 401, "Bad credentials", "https://docs.github.com/rest").ConfigureAwait(false);
            return null;
        }

        return new Caller(token, installationToken);
    }

    private bool IsVisible(string owner, string repo) => _repositories.IsEmpty || _repositories.ContainsKey($"{owner}/{repo}");

    private static bool IsSha(string value) => value.Length == 40 && value.All(char.IsAsciiHexDigit);

    private string ApiRoot => BaseAddress.GetLeftPart(UriPartial.Authority) + PathPrefix;

    private string StatusUrl(PostedStatus status) => $"{ApiRoot}/repos/{status.Owner}/{status.Repo}/statuses/{status.Sha}";

    private static string RequestId(long sequence) => $"FAKE:{sequence:X8}:0000000:0000000:00000000";

    private void WriteStatus(Utf8JsonWriter writer, PostedStatus status)
    {
        var created = status.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteString("url", StatusUrl(status));
        writer.WriteString("avatar_url", "https://avatars.githubusercontent.com/u/1?v=4");
        writer.WriteNumber("id", status.Id);
        writer.WriteString("node_id", "SC_kwDO" + Convert.ToBase64String(BitConverter.GetBytes(status.Id)).TrimEnd('='));
        writer.WriteString("state", status.State);
        writer.WriteString("description", status.Description);
        writer.WriteString("target_url", status.TargetUrl);
        writer.WriteString("context", status.Context);
        writer.WriteString("created_at", created);
        writer.WriteString("updated_at", created);
        writer.WritePropertyName("creator");
        WriteUser(writer);
        writer.WriteEndObject();
    }

    private void WriteUser(Utf8JsonWriter writer) => WriteAccount(writer, BotLogin, 1, "User");

    /// <summary>A user or organisation as GitHub embeds it (<c>creator</c>, <c>owner</c>, <c>account</c>).</summary>
    private void WriteAccount(Utf8JsonWriter writer, string login, long id, string type)
    {
        var users = $"{ApiRoot}/users/{login}";
        var number = id.ToString(CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteString("login", login);
        writer.WriteNumber("id", id);
        writer.WriteString("node_id", NodeId(type, id));
        writer.WriteString("avatar_url", $"https://avatars.githubusercontent.com/u/{number}?v=4");
        writer.WriteString("gravatar_id", "");
        writer.WriteString("url", users);
        writer.WriteString("html_url", $"https://github.com/{login}");
        writer.WriteString("repos_url", users + "/repos");
        writer.WriteString("type", type);
        writer.WriteBoolean("site_admin", false);
        writer.WriteEndObject();
    }

    private static string ErrorBody(string message, string documentationUrl, string status) =>
        ResponseWriter.JsonObject(("message", message), ("documentation_url", documentationUrl), ("status", status));

    private static Task WriteErrorAsync(HttpResponse response, int status, string message, string documentationUrl = DocumentationUrl) =>
        ResponseWriter.WriteTextAsync(response, status, ResponseWriter.Json, ErrorBody(message, documentationUrl, status.ToString(CultureInfo.InvariantCulture)));

    private static Task NotFoundAsync(HttpResponse response) => WriteErrorAsync(response, 404, "Not Found");

    /// <summary>422 "Validation Failed" with GitHub's <c>errors</c> array.</summary>
    private static Task ValidationFailedAsync(HttpResponse response, string? field, string message) =>
        ResponseWriter.WriteJsonAsync(response, 422, (field, message), static (writer, error) =>
        {
            writer.WriteStartObject();
            writer.WriteString("message", "Validation Failed");
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteString("resource", "Status");
            writer.WriteString("code", "custom");
            if (error.field is not null)
            {
                writer.WriteString("field", error.field);
            }

            writer.WriteString("message", error.message);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("documentation_url", DocumentationUrl);
            writer.WriteString("status", "422");
            writer.WriteEndObject();
        });

    /// <summary>The create-status body, validated as GitHub does.</summary>
    private readonly record struct StatusInput(string State, string Context, string? Description, string? TargetUrl, Func<HttpResponse, Task>? Problem)
    {
        public static StatusInput Parse(ReadOnlySpan<byte> body)
        {
            try
            {
                var reader = new Utf8JsonReader(body);
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return Fail(r => WriteErrorAsync(r, 400, "Problems parsing JSON"));
                }

                // Schema errors (a missing or unknown state, a wrong type) come as "Invalid request." on today's GitHub;
                // rule errors (a long description) as "Validation Failed" with an errors array.
                if (!TryString(root, "state", out var state) || state is null)
                {
                    return Fail(r => WriteErrorAsync(r, 422, "Invalid request.\n\n\"state\" wasn't supplied."));
                }

                if (!States.Contains(state, StringComparer.Ordinal))
                {
                    return Fail(r => WriteErrorAsync(r, 422, $"Invalid request.\n\nFor 'properties/state', \"{state}\" is not one of [\"error\", \"failure\", \"pending\", \"success\"]."));
                }

                if (!TryString(root, "description", out var description)
                    || !TryString(root, "target_url", out var targetUrl)
                    || !TryString(root, "context", out var context))
                {
                    return Fail(r => WriteErrorAsync(r, 422, "Invalid request.\n\nFor 'properties/description', 'properties/target_url' and 'properties/context', the value must be a string or null."));
                }

                if (description is { Length: > MaxDescriptionLength })
                {
                    return Fail(r => ValidationFailedAsync(r, "description", $"description is too long (maximum is {MaxDescriptionLength} characters)"));
                }

                return new StatusInput(state, string.IsNullOrEmpty(context) ? "default" : context, description, targetUrl, null);
            }
            catch (JsonException)
            {
                return Fail(r => WriteErrorAsync(r, 400, "Problems parsing JSON"));
            }
        }

        private static StatusInput Fail(Func<HttpResponse, Task> problem) => new("", "", null, null, problem);

        /// <summary>False when the property is there but is neither a string nor null.</summary>
        private static bool TryString(JsonElement root, string name, out string? value)
        {
            value = null;
            if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            value = element.GetString();
            return true;
        }
    }
}
