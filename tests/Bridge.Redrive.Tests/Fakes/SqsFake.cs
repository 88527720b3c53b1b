using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Redrive.Tests.Fakes;

/// <summary>
/// A loopback SQS speaking the JSON protocol the 4.x SDK sends: <c>POST /</c>, <c>Content-Type:
/// application/x-amz-json-1.0</c>, <c>X-Amz-Target: AmazonSQS.Operation</c>, a SigV4 <c>Authorization</c> header, the
/// queue named by <c>QueueUrl</c> in the body. Visibility timeouts run on the given clock; every receive hands out a new
/// receipt handle, and a delete with an older one succeeds without deleting, as SQS documents for standard queues.
/// Errors have SQS's shape: <c>__type</c> and <c>message</c> in the body, the query-compatible code in
/// <c>x-amzn-query-error</c>. Long polling returns at once when nothing is visible.
/// </summary>
public sealed class SqsFake : IAsyncDisposable
{
    public const string AccessKeyId = "AKIAREDRIVETESTFAKE0";
    public const string SecretAccessKey = "redrive-test-secret-not-a-real-one";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<QueuedMessage>> _queues = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private long _handles;

    private SqsFake(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<SqsFake> StartAsync(TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new SqsFake(app, clock);
        app.MapPost("/", fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First());
        return fake;
    }

    public string CreateQueue(string url)
    {
        lock (_gate) _queues[url] = [];
        return url;
    }

    public QueuedMessage Add(string queueUrl, string body, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var message = new QueuedMessage(Guid.NewGuid().ToString(), body, attributes ?? new Dictionary<string, string>(), _clock.GetUtcNow());
        lock (_gate) _queues[queueUrl].Add(message);
        return message;
    }

    /// <summary>Bodies still in the queue, visible or not.</summary>
    public IReadOnlyList<string> Bodies(string queueUrl)
    {
        lock (_gate) return _queues[queueUrl].Select(m => m.Body).ToList();
    }

    /// <summary>How many messages a receive would return now.</summary>
    public int VisibleCount(string queueUrl)
    {
        lock (_gate) return _queues[queueUrl].Count(m => m.InvisibleUntil <= _clock.GetUtcNow());
    }

    /// <summary>The operations called, in order (the X-Amz-Target without its prefix).</summary>
    public IReadOnlyList<string> Calls
    {
        get { lock (_gate) return _calls.ToList(); }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();

        // SQS answers an unsigned request before looking at anything else.
        var auth = request.Headers.Authorization.ToString();
        if (!IsSigV4(auth))
        {
            await Error(response, 403, "com.amazon.coral.service#MissingAuthenticationTokenException", null,
                "Request is missing Authentication Token");
            return;
        }
        if (!(request.ContentType ?? "").StartsWith("application/x-amz-json-1.0", StringComparison.Ordinal))
        {
            await Error(response, 400, "com.amazon.coral.service#UnknownOperationException", null, "The content type is not application/x-amz-json-1.0");
            return;
        }
        var target = request.Headers["X-Amz-Target"].ToString();
        if (!target.StartsWith("AmazonSQS.", StringComparison.Ordinal))
        {
            await Error(response, 400, "com.amazon.coral.service#UnknownOperationException", null, "Unknown operation");
            return;
        }
        var operation = target["AmazonSQS.".Length..];
        lock (_gate) _calls.Add(operation);

        JsonObject input;
        try
        {
            input = (await JsonNode.ParseAsync(request.Body))?.AsObject() ?? [];
        }
        catch (JsonException)
        {
            await Error(response, 400, "com.amazon.coral.service#SerializationException", null, "The request body is not JSON");
            return;
        }

        var queueUrl = (string?)input["QueueUrl"];
        List<QueuedMessage>? queue = null;
        lock (_gate) if (queueUrl is not null) _queues.TryGetValue(queueUrl, out queue);
        if (queue is null)
        {
            await Error(response, 400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue;Sender",
                "The specified queue does not exist.");
            return;
        }

        var (status, output) = operation switch
        {
            "ReceiveMessage" => Receive(queue, input),
            "DeleteMessage" => Delete(queue, input),
            "ChangeMessageVisibility" => ChangeVisibility(queue, input),
            "GetQueueAttributes" => Attributes(queue),
            _ => (400, null),
        };
        if (output is null)
        {
            await Error(response, 400, "com.amazon.coral.service#UnknownOperationException", null, $"{operation} is not in this fake");
            return;
        }
        if (status != 200)
        {
            await Error(response, status, (string)output["__type"]!, (string?)output["query"], (string)output["message"]!);
            return;
        }
        response.ContentType = "application/x-amz-json-1.0";
        await response.WriteAsync(output.ToJsonString());
    }

    private (int, JsonObject?) Receive(List<QueuedMessage> queue, JsonObject input)
    {
        var max = (int?)input["MaxNumberOfMessages"] ?? 1;
        if (max is < 1 or > 10)
            return Invalid($"Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        var visibility = (int?)input["VisibilityTimeout"] ?? 30;
        var wanted = Names(input["MessageAttributeNames"]);
        var system = Names(input["MessageSystemAttributeNames"]).Concat(Names(input["AttributeNames"])).ToHashSet(StringComparer.Ordinal);

        var messages = new JsonArray();
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            foreach (var m in queue.Where(m => m.InvisibleUntil <= now).Take(max).ToList())
            {
                m.ReceiveCount++;
                m.FirstReceived ??= now;
                m.InvisibleUntil = now.AddSeconds(visibility);
                m.ReceiptHandle = $"AQEB{Interlocked.Increment(ref _handles):D6}{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}";
                m.IssuedHandles.Add(m.ReceiptHandle);

                var message = new JsonObject
                {
                    ["MessageId"] = m.MessageId,
                    ["ReceiptHandle"] = m.ReceiptHandle,
                    ["MD5OfBody"] = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(m.Body))),
                    ["Body"] = m.Body,
                };
                var sys = new JsonObject();
                void Sys(string name, string value) { if (system.Contains("All") || system.Contains(name)) sys[name] = value; }
                Sys("SenderId", "AIDAEVENTBRIDGE");
                Sys("SentTimestamp", m.Sent.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                Sys("ApproximateReceiveCount", m.ReceiveCount.ToString(CultureInfo.InvariantCulture));
                Sys("ApproximateFirstReceiveTimestamp", m.FirstReceived.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                if (sys.Count > 0) message["Attributes"] = sys;

                var returned = m.Attributes
                    .Where(a => wanted.Contains("All") || wanted.Contains(".*") || wanted.Contains(a.Key))
                    .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
                if (returned.Count > 0)
                {
                    var attributes = new JsonObject();
                    foreach (var (name, value) in returned) attributes[name] = new JsonObject { ["StringValue"] = value, ["DataType"] = "String" };
                    message["MessageAttributes"] = attributes;
                    message["MD5OfMessageAttributes"] = Md5OfStringAttributes(returned);
                }
                messages.Add(message);
            }
        }
        return (200, messages.Count > 0 ? new JsonObject { ["Messages"] = messages } : []);
    }

    private (int, JsonObject?) Delete(List<QueuedMessage> queue, JsonObject input)
    {
        var handle = (string?)input["ReceiptHandle"];
        if (handle is null) return Missing("ReceiptHandle");
        lock (_gate)
        {
            var message = queue.FirstOrDefault(m => m.IssuedHandles.Contains(handle));
            if (message is null) return HandleInvalid(handle);
            // An older handle of a message received again: the request succeeds, but the message is not deleted.
            if (message.ReceiptHandle == handle) queue.Remove(message);
        }
        return (200, []);
    }

    private (int, JsonObject?) ChangeVisibility(List<QueuedMessage> queue, JsonObject input)
    {
        var handle = (string?)input["ReceiptHandle"];
        var seconds = (int?)input["VisibilityTimeout"];
        if (handle is null) return Missing("ReceiptHandle");
        if (seconds is null) return Missing("VisibilityTimeout");
        if (seconds is < 0 or > 43_200)
            return Invalid($"Value {seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.");
        lock (_gate)
        {
            var message = queue.FirstOrDefault(m => m.IssuedHandles.Contains(handle));
            if (message is null) return HandleInvalid(handle);
            var now = _clock.GetUtcNow();
            if (message.ReceiptHandle != handle || message.InvisibleUntil <= now)
                return (400, new JsonObject
                {
                    ["__type"] = "com.amazonaws.sqs#MessageNotInflight",
                    ["query"] = "AWS.SimpleQueueService.MessageNotInflight;Sender",
                    ["message"] = "The message referred to isn't in flight.",
                });
            message.InvisibleUntil = now.AddSeconds(seconds.Value);
        }
        return (200, []);
    }

    private (int, JsonObject?) Attributes(List<QueuedMessage> queue)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var visible = queue.Count(m => m.InvisibleUntil <= now);
            return (200, new JsonObject
            {
                ["Attributes"] = new JsonObject
                {
                    ["ApproximateNumberOfMessages"] = visible.ToString(CultureInfo.InvariantCulture),
                    ["ApproximateNumberOfMessagesNotVisible"] = (queue.Count - visible).ToString(CultureInfo.InvariantCulture),
                },
            });
        }
    }

    /// <summary>
    /// SQS's digest of message attributes: for each attribute by name, the name, the data type (each as a 4-byte
    /// big-endian length and UTF-8 bytes), a transport byte (1 for String and Number), then the value the same way.
    /// </summary>
    public static string Md5OfStringAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        using var buffer = new MemoryStream();
        void Field(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
        foreach (var name in attributes.Keys.Order(StringComparer.Ordinal))
        {
            Field(name);
            Field("String");
            buffer.WriteByte(1);
            Field(attributes[name]);
        }
        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static HashSet<string> Names(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>Credential, signed headers and signature, scoped to the sqs service: the shape SigV4 gives every request.</summary>
    private static bool IsSigV4(string auth) =>
        auth.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)
        && auth.Contains($"Credential={AccessKeyId}/", StringComparison.Ordinal)
        && auth.Contains("/sqs/aws4_request", StringComparison.Ordinal)
        && auth.Contains("SignedHeaders=", StringComparison.Ordinal)
        && auth.Contains("x-amz-target", StringComparison.Ordinal)
        && auth.Contains("Signature=", StringComparison.Ordinal);

    private static (int, JsonObject?) Invalid(string message) => (400, new JsonObject
    {
        ["__type"] = "com.amazon.coral.validate#InvalidParameterValueException",
        ["query"] = "InvalidParameterValue;Sender",
        ["message"] = message,
    });

    private static (int, JsonObject?) Missing(string parameter) => (400, new JsonObject
    {
        ["__type"] = "com.amazon.coral.validate#MissingRequiredParameterException",
        ["query"] = "MissingParameter;Sender",
        ["message"] = $"The request must contain the parameter {parameter}.",
    });

    private static (int, JsonObject?) HandleInvalid(string handle) => (400, new JsonObject
    {
        ["__type"] = "com.amazonaws.sqs#ReceiptHandleIsInvalid",
        ["query"] = "ReceiptHandleIsInvalid;Sender",
        ["message"] = $"The input receipt handle \"{handle}\" is not a valid receipt handle.",
    });

    private static async Task Error(HttpResponse response, int status, string type, string? queryError, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/x-amz-json-1.0";
        if (queryError is not null) response.Headers["x-amzn-query-error"] = queryError;
        await response.WriteAsync(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());
    }
}

public sealed class QueuedMessage(string messageId, string body, IReadOnlyDictionary<string, string> attributes, DateTimeOffset sent)
{
    public string MessageId { get; } = messageId;
    public string Body { get; } = body;
    public IReadOnlyDictionary<string, string> Attributes { get; } = attributes;
    public DateTimeOffset Sent { get; } = sent;
    public DateTimeOffset InvisibleUntil { get; set; } = DateTimeOffset.MinValue;
    public DateTimeOffset? FirstReceived { get; set; }
    public int ReceiveCount { get; set; }
    public string? ReceiptHandle { get; set; }
    public List<string> IssuedHandles { get; } = [];
}
