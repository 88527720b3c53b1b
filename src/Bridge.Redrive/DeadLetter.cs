using System.Text.Json;
using Amazon.SQS.Model;

namespace Bridge.Redrive;

/// <summary>
/// One dead-lettered event as the operator needs to see it: which event, and why EventBridge gave up on it (the
/// message attributes EventBridge adds: RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION,
/// RETRY_ATTEMPTS).
/// </summary>
internal static class DeadLetter
{
    public static string Describe(Message message)
    {
        var parts = new List<string> { "message " + Short(message.MessageId) };
        try
        {
            using var doc = JsonDocument.Parse(message.Body ?? "");
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (Text(root, "id") is { } id) parts.Add("event " + id);
                if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object)
                {
                    if (Text(detail, "pipeline") is { } pipeline) parts.Add("pipeline " + pipeline);
                    if (Text(detail, "stage") is { } stage) parts.Add("stage " + stage);
                    if (Text(detail, "state") is { } state) parts.Add(state);
                }
            }
        }
        catch (JsonException)
        {
            parts.Add("(body is not JSON)");
        }

        var why = new List<string>();
        if (Attribute(message, "ERROR_CODE") is { } code) why.Add(code);
        if (Attribute(message, "ERROR_MESSAGE") is { } error) why.Add(error);
        if (Attribute(message, "RETRY_ATTEMPTS") is { } retries) why.Add(retries + " retries");
        if (why.Count > 0) parts.Add("(dead-lettered: " + string.Join(", ", why) + ")");
        return string.Join(" ", parts);
    }

    private static string? Attribute(Message message, string name) =>
        message.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.StringValue)
            ? value.StringValue
            : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Short(string? id) => id is { Length: > 8 } ? id[..8] : id ?? "?";
}
