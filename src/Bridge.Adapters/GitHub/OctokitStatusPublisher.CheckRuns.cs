using System.Globalization;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Octokit;
using CheckRun = Bridge.Core.Checks.CheckRun;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Check runs, written by the same publisher as statuses: they share the token's client, its rate-gate lane (GitHub
/// counts both against one secondary limit) and the error map. A create must answer 201 and an update 200, each with
/// the run; a create that got no answer is looked up by name and external id before it is sent again, so one event
/// never opens two runs.
/// </summary>
public sealed partial class OctokitStatusPublisher
{
    public Task<PublishResult> PublishAsync(GitHubRevision revision, CheckRun run, long? runId, CancellationToken ct) =>
        WithTokenAsync(revision, (run, runId), static (self, token, r, x, token2) => self.WriteRunAsync(token, r, x.run, x.runId, token2), ct);

    private async Task<(PublishResult Result, bool TokenRejected)> WriteRunAsync(string token, GitHubRevision r, CheckRun run, long? runId, CancellationToken ct)
    {
        var client = ClientFor(token);
        var (slot, refused) = await EnterLaneAsync(client, ct).ConfigureAwait(false);
        if (refused is not null) return (refused, false);
        using (slot)
        {
            using var call = BridgeTelemetry.StartUpstream("github", runId is null ? "create-check-run" : "update-check-run");
            using var upstream = new CancellationTokenSource(_budget.Upstream, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, upstream.Token);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var answer = runId is { } id
                        ? await client.Connection.Patch<CheckRunWire>(ApiUrls.CheckRun(r.Owner, r.Repository, id), Update(run)).WaitAsync(linked.Token).ConfigureAwait(false)
                        : await client.Connection.Post<CheckRunWire>(ApiUrls.CheckRuns(r.Owner, r.Repository), Create(r, run), null, "application/json", cancellationToken: linked.Token).ConfigureAwait(false);
                    var expected = runId is null ? 201 : 200;
                    var code = (int)answer.HttpResponse.StatusCode;
                    if (code == expected && answer.Body is { Id: > 0 } created)
                    {
                        call.Succeeded();
                        return (PublishResult.Run(created.Id), false);
                    }
                    call.Failed(code.ToString(CultureInfo.InvariantCulture));
                    return (PublishResult.Failed(code is >= 200 and < 300 ? FailureKind.Transient : FailureKind.Misconfigured,
                        $"GitHub answered {code} ({answer.HttpResponse.ContentType ?? "no content type"}) instead of {expected} with the check run"), false);
                }
                catch (ApiException ex)
                {
                    call.Failed(((int)ex.StatusCode).ToString(CultureInfo.InvariantCulture));
                    return (MapCheckRunError(ex, client.Lane, runId), ex.StatusCode == System.Net.HttpStatusCode.Unauthorized);
                }
                catch (GitHubRedirectException ex)
                {
                    return (PublishResult.Failed(FailureKind.Misconfigured, ex.Message), false);
                }
                catch (Exception ex) when (IsNoAnswer(ex) && !ct.IsCancellationRequested)
                {
                    // An update says the same thing again: it is safe to repeat. A create may have happened: look first.
                    if (!upstream.IsCancellationRequested && attempt < 2)
                    {
                        if (runId is null && await FindRunAsync(client.Connection, r, run, linked.Token).ConfigureAwait(false) is { } found)
                            runId = found;
                        continue;
                    }
                    return (PublishResult.Failed(FailureKind.Transient, "GitHub could not be reached or did not answer in time"), false);
                }
#pragma warning disable CA1031 // a 2xx whose body Octokit cannot read: the run may exist, so it is looked up on the retry
                catch (Exception) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    return (PublishResult.Failed(FailureKind.Transient, "GitHub's answer to the check-run write could not be read"), false);
                }
            }
        }
    }

    private PublishResult MapCheckRunError(ApiException ex, string lane, long? runId)
    {
        var mapped = Map(ex, lane);
        return (int)ex.StatusCode switch
        {
            // GitHub lets only GitHub Apps write check runs; a token (PAT) gets this 403.
            403 when mapped.Failure == FailureKind.Misconfigured => PublishResult.Failed(FailureKind.Misconfigured,
                $"403 the credential may not write check runs (a GitHub App with Checks: write is needed): {GitHubMessage(ex)}"),
            404 when runId is not null => PublishResult.Failed(FailureKind.Misconfigured, $"404 check run {runId} is not visible to the app: {GitHubMessage(ex)}"),
            _ => mapped,
        };
    }

    /// <summary>The run this app created for this commit, name and execution, or null (also when GitHub cannot be asked).</summary>
    private static async Task<long?> FindRunAsync(IConnection connection, GitHubRevision r, CheckRun run, CancellationToken ct)
    {
        try
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal) { ["check_name"] = run.Name, ["filter"] = "all", ["per_page"] = "100" };
            var listed = await connection.Get<CheckRunsWire>(ApiUrls.CheckRunsForReference(r.Owner, r.Repository, r.Sha), query, null, ct).ConfigureAwait(false);
            return listed.Body?.CheckRuns?.FirstOrDefault(c => c.ExternalId == run.ExternalId)?.Id;
        }
        catch (Exception ex) when (IsNoAnswer(ex) || ex is ApiException or GitHubRedirectException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static CheckRunBody Create(GitHubRevision r, CheckRun run) => new()
    {
        Name = run.Name,
        HeadSha = r.Sha,
        ExternalId = run.ExternalId,
        DetailsUrl = run.DetailsUrl,
        Status = Status(run.Status),
        Conclusion = Conclusion(run.Conclusion),
        StartedAt = run.StartedAt,
        CompletedAt = run.CompletedAt,
        Output = new() { Title = run.Title, Summary = run.Summary },
        Actions = run.Buttons.Count == 0 ? null : Buttons(run),
    };

    /// <summary>An update always says which buttons the run has now, so a run that is running again loses its retry button.</summary>
    private static List<CheckRunActionBody> Buttons(CheckRun run) =>
        [.. run.Buttons.Select(b => new CheckRunActionBody { Label = b.Label, Description = b.Description, Identifier = b.Identifier })];

    private static CheckRunBody Update(CheckRun run) => new()
    {
        Name = run.Name,
        ExternalId = run.ExternalId,
        DetailsUrl = run.DetailsUrl,
        Status = Status(run.Status),
        Conclusion = Conclusion(run.Conclusion),
        StartedAt = run.StartedAt,
        CompletedAt = run.CompletedAt,
        Output = new() { Title = run.Title, Summary = run.Summary },
        Actions = Buttons(run),
    };

    /// <summary>GitHub's check-run status: queued, in_progress or completed.</summary>
    private static string Status(string status) => status is "queued" or "in_progress" ? status : "completed";

    /// <summary>GitHub's conclusions; anything else asks for action.</summary>
    private static string? Conclusion(string? conclusion) => conclusion switch
    {
        null => null,
        "success" or "failure" or "cancelled" or "neutral" or "skipped" or "timed_out" => conclusion,
        _ => "action_required",
    };
}
