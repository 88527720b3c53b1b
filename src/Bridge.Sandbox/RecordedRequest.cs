using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>One request as a fake received it, before any fault or validation.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Raw path and query string as sent.</param>
/// <param name="Headers">A copy of the request headers (case-insensitive names; repeated headers joined with ", ").</param>
/// <param name="Body">The body decoded as UTF-8 (empty when there was none).</param>
/// <param name="Time">When it arrived, by the server's <see cref="TimeProvider"/>.</param>
public sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset Time)
{
    /// <summary>The header's value, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    internal static RecordedRequest From(HttpRequest request, string rawTarget, string body, DateTimeOffset time)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return new RecordedRequest(request.Method, rawTarget, headers, body, time);
    }

    // Requests carry bearer tokens and signatures: keep them out of test output and logs.
    public override string ToString() => $"{Method} {PathAndQuery} ({Body.Length} body chars) at {Time:O}";
}
