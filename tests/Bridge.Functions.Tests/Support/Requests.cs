using System.Net.Http.Headers;

namespace Bridge.Functions.Tests.Support;

/// <summary>Requests as EventBridge's API destination sends them.</summary>
public static class Requests
{
    public const string EventsPath = "api/codepipeline-events";

    public static HttpRequestMessage Event(byte[] body, string? key = TestSecrets.FunctionKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, EventsPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", "Amazon/EventBridge/ApiDestinations");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return request;
    }

    /// <summary>A STARTED event of a pipeline execution, in the raw EventBridge form, at <paramref name="time"/>.</summary>
    public static HttpRequestMessage Started(string pipeline, string executionId, DateTimeOffset time)
    {
        var e = new System.Text.Json.Nodes.JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "CodePipeline Pipeline Execution State Change",
            ["source"] = "aws.codepipeline",
            ["account"] = WorkerFixture.Account,
            ["time"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["region"] = WorkerFixture.Region,
            ["resources"] = new System.Text.Json.Nodes.JsonArray($"arn:aws:codepipeline:{WorkerFixture.Region}:{WorkerFixture.Account}:{pipeline}"),
            ["detail"] = new System.Text.Json.Nodes.JsonObject
            {
                ["pipeline"] = pipeline,
                ["execution-id"] = executionId,
                ["state"] = "STARTED",
                ["version"] = 1.0,
                ["pipeline-execution-attempt"] = 1.0,
            },
        };
        return Event(System.Text.Encoding.UTF8.GetBytes(e.ToJsonString()));
    }

    public static HttpRequestMessage Sample(string file) => Event(File.ReadAllBytes(Path.Combine(WorkerFixture.SamplesDirectory, file)));
}
