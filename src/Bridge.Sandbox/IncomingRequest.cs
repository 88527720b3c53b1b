using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>A request handed to a fake: the live <see cref="HttpContext"/> plus the body already read (once, by the base class).</summary>
public sealed class IncomingRequest
{
    private string? _body;

    internal IncomingRequest(HttpContext context, ReadOnlyMemory<byte> bodyBytes, string? bodyText, DateTimeOffset time)
    {
        Context = context;
        BodyBytes = bodyBytes;
        _body = bodyText;
        Time = time;
    }

    public HttpContext Context { get; }

    public HttpRequest Request => Context.Request;

    public HttpResponse Response => Context.Response;

    /// <summary>The body bytes exactly as sent.</summary>
    public ReadOnlyMemory<byte> BodyBytes { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string Body => _body ??= Encoding.UTF8.GetString(BodyBytes.Span);

    /// <summary>Arrival time by the server's clock.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The request header, or null when absent (repeated headers are joined with ", ").</summary>
    public string? Header(string name)
    {
        var values = Request.Headers[name];
        return values.Count == 0 ? null : values.ToString();
    }
}
