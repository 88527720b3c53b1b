using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Bridge.Redrive;

/// <summary>The bridge's answer to one event: the status, the <c>outcome</c> word and the detail of its JSON or problem+json body.</summary>
internal sealed record BridgeAnswer(int Status, string? Outcome, string? Detail, TimeSpan? RetryAfter)
{
    public bool Accepted => Status is >= 200 and < 300;

    /// <summary>429 or 503: the bridge asks to try again later.</summary>
    public bool TryLater => Status is 429 or 503;

    /// <summary>The key was refused: every other event would be refused too.</summary>
    public bool KeyRefused => Status is 401 or 403;

    public string Describe()
    {
        var text = Status.ToString(CultureInfo.InvariantCulture);
        if (Outcome is { Length: > 0 }) text += " " + Outcome;
        if (Detail is { Length: > 0 }) text += ": " + Detail;
        if (RetryAfter is { } wait) text += $" (Retry-After {(int)Math.Ceiling(wait.TotalSeconds)} s)";
        return text;
    }

    public static async Task<BridgeAnswer> ReadAsync(HttpResponseMessage response, DateTimeOffset now, CancellationToken ct)
    {
        string? outcome = null, detail = null;
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        if (media.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            // The bridge's answers are small; read at most 64 KiB of anything else.
            var bytes = await ReadCappedAsync(response.Content, 64 * 1024, ct).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    outcome = Text(doc.RootElement, "outcome");
                    detail = Text(doc.RootElement, "detail") ?? Text(doc.RootElement, "title");
                }
            }
            catch (JsonException)
            {
                detail = "(the answer was not valid JSON)";
            }
        }
        else if (response.StatusCode != HttpStatusCode.OK)
        {
            detail = response.ReasonPhrase;
        }

        TimeSpan? retryAfter = null;
        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta) retryAfter = delta;
            else if (header.Date is { } date) retryAfter = date > now ? date - now : TimeSpan.Zero;
        }
        return new BridgeAnswer((int)response.StatusCode, outcome, detail, retryAfter);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, int cap, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0 && buffer.Length < cap)
            buffer.Write(chunk, 0, Math.Min(read, cap - (int)buffer.Length));
        return buffer.ToArray();
    }
}
