using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Adapters.Health;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Adapters.Http;

/// <summary>
/// The HTTP edge both hosts share: read the body within EventBridge's 256 KB limit, run the handler, and write
/// its result as JSON (or application/problem+json) with Retry-After where EventBridge should try again.
/// </summary>
public static class BridgeHttp
{
    /// <summary>EventBridge's maximum event size.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>The header an EventBridge API-key connection sends, and the one Azure Functions checks.</summary>
    public const string FunctionKeyHeader = "x-functions-key";

    public static async Task HandleEventAsync(HttpContext context, PipelineEventHandler handler)
    {
        var ct = context.RequestAborted;
        using var activity = BridgeTelemetry.StartEvent();
        var body = await ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            BridgeTelemetry.EventAnswered(activity, "too-large", 413);
            await WriteProblemAsync(context.Response, 413, "Event too large", $"The body exceeds {MaxBodyBytes} bytes, EventBridge's maximum event size.").ConfigureAwait(false);
            return;
        }
        EventResult result;
        try
        {
            result = await handler.HandleAsync(body, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            BridgeTelemetry.EventAnswered(activity, "error", 500);
            await WriteUnhandledAsync(context, ex, "handling an event").ConfigureAwait(false);
            return;
        }
        BridgeTelemetry.EventAnswered(activity, result);
        await WriteResultAsync(context.Response, result).ConfigureAwait(false);
    }

    /// <summary>
    /// GitHub's <c>check_run</c> webhooks (no function key: the signature over the body is the authentication, checked
    /// by <see cref="GitHubWebhookHandler"/> before anything is parsed). Answered with <c>{"outcome","detail"}</c>;
    /// 401 and 4xx as problems; a 503 carries Retry-After like every 5xx of the bridge.
    /// </summary>
    public static async Task HandleWebhookAsync(HttpContext context, GitHubWebhookHandler handler)
    {
        var ct = context.RequestAborted;
        var body = await ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            await WriteProblemAsync(context.Response, 413, "Delivery too large", $"The body exceeds {MaxBodyBytes} bytes; check_run deliveries are far smaller.").ConfigureAwait(false);
            return;
        }
        var headers = context.Request.Headers;
        WebhookResult result;
        try
        {
            result = await handler.HandleAsync(new WebhookRequest(headers["X-GitHub-Event"], headers["X-GitHub-Delivery"], headers["X-Hub-Signature-256"], body), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await WriteUnhandledAsync(context, ex, "handling a GitHub webhook").ConfigureAwait(false);
            return;
        }
        if (result.StatusCode >= 400)
        {
            if (result.StatusCode >= 500) context.Response.Headers.RetryAfter = ((int)FailureRetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteProblemAsync(context.Response, result.StatusCode, result.StatusCode == 401 ? "Unauthorized" : "GitHub webhook not handled", result.Detail, result.Outcome).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = result.StatusCode;
        await context.Response.WriteAsJsonAsync(new WebhookAnswer(result.Outcome, result.Detail), BridgeJson.Default.WebhookAnswer, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>How long EventBridge is asked to wait after the bridge failed unexpectedly, or a deep health check failed.</summary>
    public static readonly TimeSpan FailureRetryAfter = RequestBudget.DefaultRetryAfter;

    /// <summary>
    /// A bug, not bad input: logged with its exception types and stack, never its messages (an SDK's message can hold a
    /// header value, a token), and answered 500 with Retry-After and no details, in every environment.
    /// </summary>
    public static async Task WriteUnhandledAsync(HttpContext context, Exception ex, string doing)
    {
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Bridge.Http")
            .LogError("Unhandled {ExceptionTypes} while {Doing}; stack: {Stack}", ExceptionTypes(ex), doing, ex.StackTrace);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        context.Response.Clear();
        context.Response.Headers.RetryAfter = Seconds(FailureRetryAfter);
        await WriteProblemAsync(context.Response, 500, "Internal error", "The bridge failed unexpectedly; try again later. The log has the details.").ConfigureAwait(false);
    }

    /// <summary>An exception's type and its inner ones', outermost first: what is logged of a bug instead of its messages.</summary>
    public static string ExceptionTypes(Exception ex)
    {
        var types = new List<string>();
        for (var e = ex; e is not null && types.Count < 8; e = e.InnerException) types.Add(e.GetType().FullName ?? e.GetType().Name);
        return string.Join(" <- ", types);
    }

    private static string Seconds(TimeSpan wait) => Math.Ceiling(Math.Max(1, wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Readable output ('x' stays 'x', not \u0027x\u0027): these bodies are JSON for operators, never embedded in HTML.</summary>
    private static readonly BridgeJson Json = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static Task WriteHealthAsync(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        return response.WriteAsync("""{"status":"ok"}""");
    }

    /// <summary>
    /// Every configured credential checked end to end: 200 when all pass, 503 (with Retry-After) with the failing ones
    /// named, and the GitHub hosts that get statuses.
    /// </summary>
    public static async Task WriteDeepHealthAsync(HttpResponse response, DeepHealthCheck check, CancellationToken ct)
    {
        var results = await check.RunAsync(ct).ConfigureAwait(false);
        var ok = results.All(r => r.Ok);
        response.StatusCode = ok ? 200 : 503;
        if (!ok) response.Headers.RetryAfter = Seconds(FailureRetryAfter);
        response.ContentType = "application/json";
        await WriteJsonAsync(response, new DeepHealthBody(ok ? "pass" : "fail",
            results.Select(r => new CheckBody(r.Name, r.Ok ? "pass" : "fail", r.Detail)).ToList(), [.. check.StatusHosts]), Json.DeepHealthBody, ct).ConfigureAwait(false);
    }

    /// <summary>Constant-time comparison of the presented key with the configured one, hashed once at start-up (hashing equalises lengths).</summary>
    public static bool KeyMatches(string? presented, byte[] expectedHash)
    {
        if (presented is null) return false;
        // Hashed on the stack: a key is short, and every event pays for this check.
        var length = Encoding.UTF8.GetByteCount(presented);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(presented, bytes)], hash);
        return CryptographicOperations.FixedTimeEquals(hash, expectedHash);
    }

    public static byte[] KeyHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The body, or null when it is larger than EventBridge could ever send.</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            // EventBridge always sends Content-Length: read exactly that, in one buffer, no copies.
            if (length > MaxBodyBytes) return null;
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, ct).ConfigureAwait(false);
            return body;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static Task WriteResultAsync(HttpResponse response, EventResult result)
    {
        response.StatusCode = result.StatusCode;
        if (result.RetryAfter is { } wait)
            response.Headers.RetryAfter = Seconds(wait);
        var e = result.Event;
        var revisions = result.Revisions.Select(r => new RevisionBody(r.Repository, r.Sha, r.Context, r.Outcome.Word(), r.Detail)).ToList();
        if (result.IsProblem)
        {
            response.ContentType = "application/problem+json";
            return WriteJsonAsync(response, new ProblemBody(
                "about:blank", Title(result.StatusCode), result.StatusCode, result.Detail ?? "", e?.Id, e?.Pipeline, e?.ExecutionId, e?.State, result.Outcome.Word(), revisions),
                Json.ProblemBody);
        }
        response.ContentType = "application/json";
        return WriteJsonAsync(response, new ResultBody(e?.Id, e?.Pipeline, e?.ExecutionId, e?.State, result.Outcome.Word(), result.Detail, revisions), Json.ResultBody);
    }

    /// <summary>
    /// Every JSON answer of the edge: written straight into the response's pipe and flushed once (the stream overload of
    /// the serializer would add its own buffering and async state on top; every event is answered this way).
    /// </summary>
    private static async Task WriteJsonAsync<T>(HttpResponse response, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct = default)
    {
        using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = Json.Options.Encoder }))
            JsonSerializer.Serialize(writer, body, type);
        await response.BodyWriter.FlushAsync(ct).ConfigureAwait(false);
    }

    public static Task WriteProblemAsync(HttpResponse response, int status, string title, string detail, string? outcome = null)
    {
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        return WriteJsonAsync(response, new ProblemBody("about:blank", title, status, detail, null, null, null, null, outcome ?? Outcome.Invalid.Word(), null),
            Json.ProblemBody);
    }

    private static string Title(int status) => status switch
    {
        400 => "Invalid CodePipeline event",
        401 => "Unauthorized",
        413 => "Event too large",
        424 => "Upstream misconfigured",
        429 => "Rate limited",
        503 => "Try again later",
        _ => "Error",
    };
}

internal sealed record WebhookAnswer(string Outcome, string Detail);

internal sealed record CheckBody(string Name, string Status, string Detail);

internal sealed record DeepHealthBody(string Status, List<CheckBody> Checks, List<string> StatusHosts);

internal sealed record RevisionBody(string Repository, string? Sha, string? Context, string Outcome, string? Detail);

internal sealed record ResultBody(string? EventId, string? Pipeline, string? ExecutionId, string? State, string Outcome, string? Detail, List<RevisionBody> Revisions);

/// <summary>RFC 9457 problem details, extended with what an operator needs to find the event.</summary>
internal sealed record ProblemBody(string Type, string Title, int Status, string Detail, string? EventId, string? Pipeline, string? ExecutionId, string? State, string Outcome, List<RevisionBody>? Revisions);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResultBody))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(DeepHealthBody))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class BridgeJson : JsonSerializerContext;
