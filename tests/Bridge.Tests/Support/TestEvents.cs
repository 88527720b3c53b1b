using System.Text.Json.Nodes;

namespace Bridge.Tests.Support;

/// <summary>Builds EventBridge envelopes in the raw form CodePipeline emits (see samples/ for complete ones).</summary>
public static class TestEvents
{
    public const string Account = "111122223333";
    public const string Region = "eu-west-1";

    public static JsonObject Pipeline(string state, string pipeline = "web-app", string executionId = "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01",
        DateTimeOffset? time = null, DateTimeOffset? startTime = null, JsonObject? trigger = null, string? id = null, int attempt = 1,
        string detailType = "CodePipeline Pipeline Execution State Change", string? stage = null)
    {
        var t = time ?? new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var detail = new JsonObject
        {
            ["pipeline"] = pipeline,
            ["execution-id"] = executionId,
            ["state"] = state,
            ["version"] = 3.0,
            ["pipeline-execution-attempt"] = (double)attempt,
        };
        if (startTime is { } s) detail["start-time"] = s.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        if (trigger is not null) detail["execution-trigger"] = trigger;
        if (stage is not null) detail["stage"] = stage;
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = id ?? Guid.NewGuid().ToString(),
            ["detail-type"] = detailType,
            ["source"] = "aws.codepipeline",
            ["account"] = Account,
            ["time"] = t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["region"] = Region,
            ["resources"] = new JsonArray($"arn:aws:codepipeline:{Region}:{Account}:{pipeline}"),
            ["detail"] = detail,
        };
    }

    /// <summary>A terminal event's full Git trigger, as the CodePipeline guide shows it (no <c>trigger-type</c>).</summary>
    public static JsonObject GitTrigger(string sha, string repo = "octo-org/worker", string provider = "GitHub") => new()
    {
        ["full-repository-name"] = repo,
        ["provider-type"] = provider,
        ["branch-name"] = "main",
        ["commit-id"] = sha,
        ["connection-arn"] = $"arn:aws:codeconnections:{Region}:{Account}:connection/4f1e2d3c-5b6a-4978-8a9b-0c1d2e3f4a5b",
    };

    public static byte[] Bytes(this JsonNode node) => System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());

    public static string SamplesDirectory => Path.Combine(RepoRoot, "samples");

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above the test binaries.");
        }
    }

    public static byte[] Sample(string fileName) => File.ReadAllBytes(Path.Combine(SamplesDirectory, fileName));
}
