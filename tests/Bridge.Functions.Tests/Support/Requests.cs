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

    public static HttpRequestMessage Sample(string file) => Event(File.ReadAllBytes(Path.Combine(WorkerFixture.SamplesDirectory, file)));
}
