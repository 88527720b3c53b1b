using System.Text.Json;
using Bridge.Core.Events;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Logging;

namespace Bridge.Core.Checks;

/// <summary>
/// GitHub's <c>check_run</c> webhooks for the bridge's own runs (docs/architecture.md#buttons): "Retry failed stage"
/// (<c>requested_action</c>) becomes RetryStageExecution of the run's failed stage, and GitHub's Re-run
/// (<c>rerequested</c>) becomes StartPipelineExecution on the run's commit. The signature is the authentication: it is
/// checked over the raw body before anything is parsed, and a missing or wrong one is 401 with no call to AWS or GitHub.
/// Runs of other apps or not made by the bridge are ignored; each delivery acts once, however often GitHub sends it.
/// </summary>
public sealed class GitHubWebhookHandler(
    IWebhookSecret secret,
    IPipelineActions pipelines,
    IStatusLedger ledger,
    RerunOptions options,
    RequestBudget budget,
    TimeProvider time,
    ILogger<GitHubWebhookHandler> log,
    ICheckRunPublisher? runs = null)
{
    /// <summary>The identifier of the "Retry failed stage" button (GitHub allows 20 characters).</summary>
    public const string RetryFailedStage = "retry-failed-stage";

    /// <summary>Deliveries are remembered in the ledger under this host, apart from every status slot.</summary>
    private const string DeliveryHost = "github-webhooks";

    public async Task<WebhookResult> HandleAsync(WebhookRequest request, CancellationToken ct)
    {
        if (request.Signature is null) return Unauthorized("the request has no X-Hub-Signature-256");
        var key = await secret.GetAsync(ct).ConfigureAwait(false);
        if (key is null) return Unauthorized("no webhook secret is configured (GitHub:WebhookSecretName)");
        if (!WebhookSignature.IsValid(key, request.Body.Span, request.Signature)) return Unauthorized("the signature does not match the body");

        if (request.Event == "ping") return new(200, "pong", "the webhook is set up");
        if (request.Event != "check_run") return Ignored($"event {Safe(request.Event)} is not check_run");
        if (Read(request.Body) is not { } run) return new(400, "invalid", "the body is not a check_run event");
        if (run.Action is not ("requested_action" or "rerequested")) return Ignored($"check_run action {Safe(run.Action)} asks nothing of the bridge");
        if (run.AppId is not { } app || !options.AppIds.Contains(app)) return Ignored("the check run belongs to another app");
        if (ParseExternalId(run.ExternalId) is not { } execution) return Ignored("the check run was not created by the bridge");
        if (!options.Allows(execution.Pipeline)) return Ignored($"re-runs from GitHub are off for pipeline {execution.Pipeline} (Checks:AllowRerun, Checks:RerunPipelines)");
        if (run.Action == "requested_action" && run.Identifier != RetryFailedStage) return Ignored($"unknown button {Safe(run.Identifier)}");
        if (request.Delivery is not { Length: > 0 and <= 100 } delivery) return new(400, "invalid", "the request has no X-GitHub-Delivery");

        using var deadline = new CancellationTokenSource(budget.Total, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            // One delivery acts once: the first to record it in the ledger (an insert) does the work.
            if (!await ClaimAsync(delivery, linked.Token).ConfigureAwait(false)) return new(200, "duplicate", $"delivery {delivery} was already handled");
            var result = run.Action == "requested_action"
                ? await RetryAsync(execution, linked.Token).ConfigureAwait(false)
                : await RerunAsync(execution, run, delivery, linked.Token).ConfigureAwait(false);
            WebhookLog.Acted(log, Safe(run.Sender), Safe(run.Repository), execution.Pipeline, execution.ExecutionId, run.Action, result.Outcome, result.Detail);
            return result;
        }
        catch (UpstreamException ex)
        {
            WebhookLog.Failed(log, Safe(run.Sender), Safe(run.Repository), execution.Pipeline, execution.ExecutionId, run.Action, ex.Message);
            // GitHub does not redeliver by itself; the person clicks again (a new delivery) once the cause is fixed.
            return new(ex.Kind == FailureKind.Misconfigured ? 424 : 503, Outcomes.Of(ex.Kind).Word(), ex.Message);
        }
    }

    private async Task<WebhookResult> RetryAsync(ExecutionRef execution, CancellationToken ct)
    {
        var actions = await pipelines.ListActionsAsync(execution, ct).ConfigureAwait(false);
        if (actions.FirstOrDefault(a => a.Status == "Failed")?.Stage is not { } stage)
            return new(200, "nothing-to-retry", $"execution {execution.ExecutionId} has no failed action");
        await pipelines.RetryFailedActionsAsync(execution, stage, ct).ConfigureAwait(false);
        return new(200, "retried", $"retrying the failed actions of stage {stage} of execution {execution.ExecutionId}");
    }

    private async Task<WebhookResult> RerunAsync(ExecutionRef execution, CheckRunEvent run, string delivery, CancellationToken ct)
    {
        if (run.HeadSha is not { } sha || !Revisions.GitHubNames.IsSha(sha)) return new(400, "invalid", "the check run has no head_sha");
        var actions = await pipelines.ListActionsAsync(execution, ct).ConfigureAwait(false);
        var sources = actions.Where(a => a.Category == "Source").ToList();
        // The source action that built this commit; with one source, that one.
        var source = sources.FirstOrDefault(a => string.Equals(a.ExternalId, sha, StringComparison.OrdinalIgnoreCase)) ?? (sources.Count == 1 ? sources[0] : null);
        if (source is null) return await NotRerunAsync(run, $"no source action of execution {execution.ExecutionId} built {sha}: re-run it from the console", ct).ConfigureAwait(false);
        try
        {
            var started = await pipelines.StartOnCommitAsync(execution, source.Action, sha, delivery, ct).ConfigureAwait(false);
            return new(200, "started", $"started execution {started} of {execution.Pipeline} on {sha}");
        }
        catch (UpstreamException ex) when (ex.Code == "ValidationException")
        {
            // The override was refused: a V1 pipeline takes no commit (AWS's wording of why is not relied on). It builds
            // each source's head, so start it only when that head is this commit, which is right whatever the reason was.
            if (!string.Equals(await pipelines.SourceHeadAsync(execution, source.Action, ct).ConfigureAwait(false), sha, StringComparison.OrdinalIgnoreCase))
                return await NotRerunAsync(run, $"pipeline {execution.Pipeline} (V1) can only build its source's head, which is no longer {sha}: re-run it from the console", ct).ConfigureAwait(false);
            var started = await pipelines.StartAsync(execution, delivery, ct).ConfigureAwait(false);
            return new(200, "started", $"started execution {started} of {execution.Pipeline} (V1) on its source's head {sha}");
        }
    }

    private async Task<bool> ClaimAsync(string delivery, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entry = new LedgerEntry(delivery, now, 0, now, new CommitStatus(CommitState.Success, "delivery", "handled", ""));
        return await ledger.TryWriteAsync(new StatusKey(DeliveryHost, "deliveries", delivery, "delivery"), entry, null, null, null, ct).ConfigureAwait(false) is not null;
    }

    /// <summary>The external id the bridge gives its runs (<see cref="CheckRunComposer.ExternalId(CodePipelineEvent)"/>), checked field by field.</summary>
    public static ExecutionRef? ParseExternalId(string? externalId)
    {
        var parts = externalId?.Split('/');
        return parts is [var account, var region, var pipeline, var execution]
            && AwsNames.IsAccountId(account) && AwsNames.IsRegion(region) && AwsNames.IsPipelineName(pipeline) && AwsNames.IsExecutionId(execution)
            ? new ExecutionRef(account, region, pipeline, execution)
            : null;
    }

    /// <summary>A Re-run that is not started: the run itself says why, where the person who clicked Re-run looks.</summary>
    private async Task<WebhookResult> NotRerunAsync(CheckRunEvent run, string why, CancellationToken ct)
    {
        await AnswerOnRunAsync(run, why, ct).ConfigureAwait(false);
        return new(200, "not-rerun", why);
    }

    private async Task AnswerOnRunAsync(CheckRunEvent run, string why, CancellationToken ct)
    {
        if (runs is null || run.RunId is not { } id || run.Name is not { } name || run.HeadSha is not { } sha
            || !Revisions.GitHubNames.TrySplitFullName(run.Repository, out var owner, out var repo)) return;
        var host = Uri.TryCreate(run.RepositoryUrl, UriKind.Absolute, out var url) ? url.Host.ToLowerInvariant() : Revisions.RevisionResolver.GitHubDotCom;
        var answer = new CheckRun(name, run.ExternalId!, run.Status ?? "completed", run.Conclusion, "Re-run not started",
            $"**Re-run not started**: {Text.TextClip.Clip(why, 500)}\n\nThe execution's stages: [the console]({run.DetailsUrl ?? ""}).\n", run.DetailsUrl ?? "", null, null);
        // Best effort: the webhook's own answer already says why.
        _ = await runs.PublishAsync(new Revisions.GitHubRevision(host, owner, repo, sha), answer, id, ct).ConfigureAwait(false);
    }

    private sealed record CheckRunEvent(string? Action, long? AppId, string? ExternalId, string? HeadSha, string? Identifier, string? Sender, string? Repository)
    {
        public long? RunId { get; init; }
        public string? Name { get; init; }
        public string? Status { get; init; }
        public string? Conclusion { get; init; }
        public string? DetailsUrl { get; init; }
        public string? RepositoryUrl { get; init; }
    }

    private static CheckRunEvent? Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("check_run", out var run) || run.ValueKind != JsonValueKind.Object) return null;
            static string? Text(JsonElement e, params string[] path)
            {
                foreach (var name in path)
                    if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e)) return null;
                return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            }
            long? app = run.TryGetProperty("app", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("id", out var id) && id.TryGetInt64(out var n) ? n : null;
            return new CheckRunEvent(Text(root, "action"), app, Text(run, "external_id"), Text(run, "head_sha"),
                Text(root, "requested_action", "identifier"), Text(root, "sender", "login"), Text(root, "repository", "full_name"))
            {
                RunId = run.TryGetProperty("id", out var runId) && runId.TryGetInt64(out var r) ? r : null,
                Name = Text(run, "name"),
                Status = Text(run, "status"),
                Conclusion = Text(run, "conclusion"),
                DetailsUrl = Text(run, "details_url"),
                RepositoryUrl = Text(root, "repository", "html_url"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static WebhookResult Unauthorized(string why) => new(401, "unauthorized", why);

    private static WebhookResult Ignored(string why) => new(200, "ignored", why);

    /// <summary>Values from the body reach logs and answers only clipped and without control characters.</summary>
    private static string Safe(string? value) => Text.TextClip.Clip(value ?? "-", 100);
}
