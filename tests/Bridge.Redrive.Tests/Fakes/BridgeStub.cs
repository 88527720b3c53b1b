using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Redrive.Tests.Fakes;

/// <summary>
/// A loopback stand-in for the bridge's <c>POST /api/codepipeline-events</c>: checks <c>x-functions-key</c> (401
/// problem+json otherwise, as the Functions host does) and answers each event, by its id, as scripted.
/// </summary>
public sealed class BridgeStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _key;
    private readonly ConcurrentDictionary<string, Answer> _script = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _received = new();

    private BridgeStub(WebApplication app, string key)
    {
        _app = app;
        _key = key;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Event ids posted with the right key, in order.</summary>
    public IReadOnlyList<string> Received => _received.ToList();

    public static async Task<BridgeStub> StartAsync(string key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new BridgeStub(app, key);
        app.MapPost("/api/codepipeline-events", stub.HandleAsync);
        await app.StartAsync();
        stub.Endpoint = new Uri(new Uri(app.Urls.First()), "/api/codepipeline-events");
        return stub;
    }

    public void Answer(string eventId, Answer answer) => _script[eventId] = answer;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        if (context.Request.Headers["x-functions-key"].ToString() != _key)
        {
            await Problem(response, 401, "unauthorized", "the function key is missing or wrong", null);
            return;
        }
        string? id;
        try
        {
            id = (string?)(await JsonNode.ParseAsync(context.Request.Body))?["id"];
        }
        catch (JsonException)
        {
            await Problem(response, 400, "invalid", "the body is not JSON", null);
            return;
        }
        _received.Enqueue(id ?? "");
        var answer = id is not null && _script.TryGetValue(id, out var scripted) ? scripted : Fakes.Answer.Posted;
        if (answer.Status is >= 200 and < 300)
        {
            response.StatusCode = answer.Status;
            response.ContentType = "application/json";
            await response.WriteAsync(new JsonObject { ["eventId"] = id, ["outcome"] = answer.Outcome, ["detail"] = answer.Detail, ["revisions"] = new JsonArray() }.ToJsonString());
            return;
        }
        await Problem(response, answer.Status, answer.Outcome, answer.Detail, answer.RetryAfterSeconds);
    }

    private static async Task Problem(HttpResponse response, int status, string outcome, string? detail, int? retryAfter)
    {
        response.StatusCode = status;
        if (retryAfter is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.ContentType = "application/problem+json";
        await response.WriteAsync(new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = "scripted",
            ["status"] = status,
            ["detail"] = detail ?? "",
            ["outcome"] = outcome,
        }.ToJsonString());
    }
}

public sealed record Answer(int Status, string Outcome, string? Detail = null, int? RetryAfterSeconds = null)
{
    public static readonly Answer Posted = new(200, "posted");
}
