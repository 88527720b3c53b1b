using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>
/// GitHub's check runs (POST /repos/{owner}/{repo}/check-runs, PATCH …/check-runs/{id}, GET …/commits/{ref}/check-runs),
/// with GitHub's rules: only a GitHub App installation may write them (a token gets 403 "You must authenticate via a
/// GitHub App."), the installation needs <c>checks: write</c>, and the body is checked as GitHub checks it (names of
/// states and conclusions, a conclusion once completed, output title and summary, at most 65,535 characters of summary,
/// at most three actions with labels of 20, descriptions of 40 and identifiers of 20 characters) with 422 otherwise.
/// </summary>
public sealed partial class FakeGitHub
{
    private const string ChecksDocumentationUrl = "https://docs.github.com/rest/checks/runs#create-a-check-run";
    private const int MaxCheckText = 65_535;
    private static readonly string[] CheckStatuses = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
    private static readonly string[] CheckConclusions = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

    private readonly ConcurrentDictionary<long, FakeCheckRun> _checkRuns = new();
    private long _lastCheckRunId = 4_000_000_000;

    /// <summary>Every check run as it stands now, in the order they were created.</summary>
    public IReadOnlyList<FakeCheckRun> CheckRuns => [.. _checkRuns.Values.OrderBy(r => r.Id)];

    /// <summary>The runs on a commit, oldest first.</summary>
    public IReadOnlyList<FakeCheckRun> CheckRunsFor(string ownerRepo, string sha) =>
        [.. CheckRuns.Where(r => string.Equals($"{r.Owner}/{r.Repo}", ownerRepo, StringComparison.OrdinalIgnoreCase) && r.HeadSha == sha.ToLowerInvariant())];

    private async Task<Caller?> CheckWriterAsync(IncomingRequest request, string owner, string repo)
    {
        if (await AuthenticateAsync(request).ConfigureAwait(false) is not { } caller) return null;
        if (!IsVisible(owner, repo))
        {
            await NotFoundAsync(request.Response).ConfigureAwait(false);
            return null;
        }
        if (caller.InstallationToken is null)
        {
            await WriteErrorAsync(request.Response, 403, "You must authenticate via a GitHub App.", ChecksDocumentationUrl).ConfigureAwait(false);
            return null;
        }
        if (!Grants(caller, owner, repo, "checks", level: 2))
        {
            await NotAccessibleAsync(request.Response, ChecksDocumentationUrl).ConfigureAwait(false);
            return null;
        }
        return caller;
    }

    private async Task CreateCheckRunAsync(IncomingRequest request, string owner, string repo)
    {
        if (await CheckWriterAsync(request, owner, repo).ConfigureAwait(false) is not { } caller) return;
        if (!CheckRunInput.TryParse(request.BodyBytes.Span, creating: true, out var input, out var problem))
        {
            await WriteErrorAsync(request.Response, 422, problem!, ChecksDocumentationUrl).ConfigureAwait(false);
            return;
        }
        var sha = input.HeadSha!;
        if (!IsSha(sha) || _nonCommits.ContainsKey($"{owner}/{repo}@{sha.ToLowerInvariant()}"))
        {
            await WriteErrorAsync(request.Response, 422, $"No commit found for SHA: {sha}", ChecksDocumentationUrl).ConfigureAwait(false);
            return;
        }

        var id = Interlocked.Increment(ref _lastCheckRunId);
        var run = input.Apply(new FakeCheckRun(id, owner, repo, sha.ToLowerInvariant(), input.Name!, null, "queued", null, null, null, null, null, null,
            caller.InstallationToken!.InstallationId, request.Time, 0));
        _checkRuns[id] = run;
        _rateLimit.Consume().WriteHeaders(request.Response);
        request.Response.Headers.Location = CheckRunUrl(run);
        await ResponseWriter.WriteJsonAsync(request.Response, 201, (this, run), static (writer, x) => x.Item1.WriteCheckRun(writer, x.run)).ConfigureAwait(false);
    }

    private async Task UpdateCheckRunAsync(IncomingRequest request, string owner, string repo, string idText)
    {
        if (await CheckWriterAsync(request, owner, repo).ConfigureAwait(false) is not { } caller) return;
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !_checkRuns.TryGetValue(id, out var existing)
            || !string.Equals($"{existing.Owner}/{existing.Repo}", $"{owner}/{repo}", StringComparison.OrdinalIgnoreCase))
        {
            await NotFoundAsync(request.Response).ConfigureAwait(false);
            return;
        }
        if (existing.InstallationId != caller.InstallationToken!.InstallationId)
        {
            // Another app's run: GitHub lets only the app that created a run change it.
            await NotAccessibleAsync(request.Response, ChecksDocumentationUrl).ConfigureAwait(false);
            return;
        }
        if (!CheckRunInput.TryParse(request.BodyBytes.Span, creating: false, out var input, out var problem))
        {
            await WriteErrorAsync(request.Response, 422, problem!, ChecksDocumentationUrl).ConfigureAwait(false);
            return;
        }

        var run = _checkRuns.AddOrUpdate(id, _ => existing, (_, current) => input.Apply(current) with { Updates = current.Updates + 1 });
        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 200, (this, run), static (writer, x) => x.Item1.WriteCheckRun(writer, x.run)).ConfigureAwait(false);
    }

    private async Task ListCheckRunsAsync(IncomingRequest request, string owner, string repo, string gitRef)
    {
        if (await AuthenticateAsync(request).ConfigureAwait(false) is not { } caller) return;
        if (!IsVisible(owner, repo) || !Grants(caller, owner, repo, "checks", level: 1))
        {
            await NotFoundAsync(request.Response).ConfigureAwait(false);
            return;
        }
        var name = request.Request.Query["check_name"].ToString();
        var runs = CheckRunsFor($"{owner}/{repo}", gitRef).Where(r => name.Length == 0 || r.Name == name).Reverse().ToArray();
        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 200, (this, runs), static (writer, x) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("total_count", x.runs.Length);
            writer.WriteStartArray("check_runs");
            foreach (var run in x.runs) x.Item1.WriteCheckRun(writer, run);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private string CheckRunUrl(FakeCheckRun run) => $"{ApiRoot}/repos/{run.Owner}/{run.Repo}/check-runs/{run.Id.ToString(CultureInfo.InvariantCulture)}";

    private void WriteCheckRun(Utf8JsonWriter writer, FakeCheckRun run)
    {
        static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteNumber("id", run.Id);
        writer.WriteString("node_id", NodeId("CheckRun", run.Id));
        writer.WriteString("head_sha", run.HeadSha);
        writer.WriteString("external_id", run.ExternalId ?? "");
        writer.WriteString("url", CheckRunUrl(run));
        writer.WriteString("html_url", $"https://github.com/{run.Owner}/{run.Repo}/runs/{run.Id.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("details_url", run.DetailsUrl);
        writer.WriteString("status", run.Status);
        writer.WriteString("conclusion", run.Conclusion);
        writer.WriteString("started_at", Time(run.StartedAt ?? run.CreatedAt));
        writer.WriteString("completed_at", Time(run.CompletedAt));
        writer.WriteStartObject("output");
        writer.WriteString("title", run.Title);
        writer.WriteString("summary", run.Summary);
        writer.WriteString("text", run.Text);
        writer.WriteNumber("annotations_count", 0);
        writer.WriteString("annotations_url", CheckRunUrl(run) + "/annotations");
        writer.WriteEndObject();
        writer.WriteString("name", run.Name);
        writer.WriteStartObject("check_suite");
        writer.WriteNumber("id", 5_000_000_000 + run.Id);
        writer.WriteEndObject();
        writer.WriteStartArray("pull_requests");
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A check-run body as GitHub reads it; unknown members are ignored, as GitHub ignores them.</summary>
    private sealed record CheckRunInput(
        string? Name, string? HeadSha, string? DetailsUrl, string? ExternalId, string? Status, string? Conclusion,
        DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, (string Title, string Summary, string? Text)? Output)
    {
        public FakeCheckRun Apply(FakeCheckRun run)
        {
            var status = Conclusion is not null ? "completed" : Status ?? run.Status;
            return run with
            {
                Name = Name ?? run.Name,
                DetailsUrl = DetailsUrl ?? run.DetailsUrl,
                ExternalId = ExternalId ?? run.ExternalId,
                Status = status,
                Conclusion = Conclusion ?? (status == "completed" ? run.Conclusion : null),
                StartedAt = StartedAt ?? run.StartedAt,
                CompletedAt = CompletedAt ?? run.CompletedAt,
                Title = Output?.Title ?? run.Title,
                Summary = Output?.Summary ?? run.Summary,
                Text = Output is { } o ? o.Text : run.Text,
            };
        }

        public static bool TryParse(ReadOnlySpan<byte> body, bool creating, out CheckRunInput input, out string? problem)
        {
            input = new CheckRunInput(null, null, null, null, null, null, null, null, null);
            problem = null;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.ToArray());
            }
            catch (JsonException)
            {
                problem = "Problems parsing JSON";
                return false;
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { problem = "Invalid request.\n\nThe body must be a JSON object."; return false; }
                string? Text(string name, out bool wrongType)
                {
                    wrongType = false;
                    if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
                    if (value.ValueKind == JsonValueKind.String) return value.GetString();
                    wrongType = true;
                    return null;
                }
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var name in new[] { "name", "head_sha", "details_url", "external_id", "status", "conclusion", "started_at", "completed_at" })
                {
                    fields[name] = Text(name, out var wrong);
                    if (wrong) { problem = $"Invalid request.\n\nFor 'properties/{name}', it is not a string."; return false; }
                }
                if (creating && fields["name"] is null) { problem = "Invalid request.\n\n\"name\" wasn't supplied."; return false; }
                if (creating && fields["head_sha"] is null) { problem = "Invalid request.\n\n\"head_sha\" wasn't supplied."; return false; }
                if (fields["status"] is { } s && !CheckStatuses.Contains(s))
                { problem = $"Invalid request.\n\nFor 'properties/status', \"{s}\" is not one of [{string.Join(", ", CheckStatuses.Select(x => $"\"{x}\""))}]."; return false; }
                if (fields["conclusion"] is { } c && !CheckConclusions.Contains(c))
                { problem = $"Invalid request.\n\nFor 'properties/conclusion', \"{c}\" is not one of [{string.Join(", ", CheckConclusions.Select(x => $"\"{x}\""))}]."; return false; }
                if ((fields["status"] == "completed" || fields["completed_at"] is not null) && fields["conclusion"] is null)
                { problem = "Invalid request.\n\n\"conclusion\" wasn't supplied."; return false; }
                DateTimeOffset? Time(string name)
                {
                    if (fields[name] is not { } t) return null;
                    return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : throw new FormatException(name);
                }
                DateTimeOffset? started, completed;
                try { (started, completed) = (Time("started_at"), Time("completed_at")); }
                catch (FormatException ex) { problem = $"Invalid request.\n\nFor 'properties/{ex.Message}', it is not a date-time."; return false; }

                (string, string, string?)? output = null;
                if (root.TryGetProperty("output", out var o) && o.ValueKind != JsonValueKind.Null)
                {
                    if (o.ValueKind != JsonValueKind.Object) { problem = "Invalid request.\n\nFor 'properties/output', it is not an object."; return false; }
                    string? Member(string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (Member("title") is not { } title) { problem = "Invalid request.\n\n\"title\" wasn't supplied."; return false; }
                    if (Member("summary") is not { } summary) { problem = "Invalid request.\n\n\"summary\" wasn't supplied."; return false; }
                    var text = Member("text");
                    if (summary.Length > MaxCheckText || text?.Length > MaxCheckText)
                    { problem = $"Invalid request.\n\nOnly {MaxCheckText} characters are allowed in the output summary and text."; return false; }
                    output = (title, summary, text);
                }
                if (root.TryGetProperty("actions", out var actions) && actions.ValueKind != JsonValueKind.Null)
                {
                    if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() > 3)
                    { problem = "Invalid request.\n\nFor 'properties/actions', at most 3 actions are allowed."; return false; }
                    foreach (var action in actions.EnumerateArray())
                    {
                        foreach (var (name, max) in new[] { ("label", 20), ("description", 40), ("identifier", 20) })
                        {
                            var value = action.ValueKind == JsonValueKind.Object && action.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                            if (value is null) { problem = $"Invalid request.\n\n\"{name}\" wasn't supplied."; return false; }
                            if (value.Length > max) { problem = $"Invalid request.\n\nFor 'properties/{name}', \"{value}\" is too long (maximum is {max} characters)."; return false; }
                        }
                    }
                }
                input = new CheckRunInput(fields["name"], fields["head_sha"], fields["details_url"], fields["external_id"], fields["status"],
                    fields["conclusion"], started, completed, output);
                return true;
            }
        }
    }
}

/// <summary>A check run as the fake holds it: what GitHub would show for it now.</summary>
/// <param name="Updates">How many times it was changed after its creation.</param>
public sealed record FakeCheckRun(
    long Id,
    string Owner,
    string Repo,
    string HeadSha,
    string Name,
    string? ExternalId,
    string Status,
    string? Conclusion,
    string? Title,
    string? Summary,
    string? Text,
    string? DetailsUrl,
    DateTimeOffset? StartedAt,
    long InstallationId,
    DateTimeOffset CreatedAt,
    int Updates)
{
    public DateTimeOffset? CompletedAt { get; init; }
}
