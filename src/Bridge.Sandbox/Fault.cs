using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// What a fake does to a request instead of (or before) its normal processing.
/// Queue one with <see cref="LoopbackServer.EnqueueFault"/> or set a standing one with <see cref="LoopbackServer.SetFault"/>.
/// Each fake has factory helpers for the faults its real service produces (for example <see cref="FakeGitHub.SecondaryRateLimit403"/>).
/// </summary>
public abstract class Fault
{
    private protected Fault()
    {
    }

    /// <summary>The connection is aborted without an answer: the client sees a reset / "response ended prematurely".</summary>
    public static Fault ConnectionReset { get; } = new ConnectionResetFault();

    /// <summary>A canned answer.</summary>
    public static CannedResponseFault Respond(
        int statusCode,
        string body,
        string contentType = "application/json; charset=utf-8",
        IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        new(statusCode, body, contentType, headers?.ToArray() ?? []);

    /// <summary>Waits, then processes the request normally: models a slow service (for the client's timeout).</summary>
    public static DelayFault Delay(TimeSpan delay) => new(delay);

    /// <summary>
    /// Applies the fault. Returns true when the request has been dealt with and normal processing must not run.
    /// <paramref name="cancellationToken"/> fires when the client goes away or the server stops.
    /// </summary>
    internal abstract ValueTask<bool> ApplyAsync(HttpContext context, LoopbackServer server, CancellationToken cancellationToken);
}

/// <summary>A fixed HTTP answer.</summary>
public sealed class CannedResponseFault : Fault
{
    private readonly byte[] _body;

    internal CannedResponseFault(int statusCode, string body, string contentType, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
        Headers = headers;
        _body = Encoding.UTF8.GetBytes(body);
    }

    public int StatusCode { get; }

    public string Body { get; }

    public string ContentType { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The same answer with one more header.</summary>
    public CannedResponseFault WithHeader(string name, string value) =>
        new(StatusCode, Body, ContentType, [.. Headers, new(name, value)]);

    internal override async ValueTask<bool> ApplyAsync(HttpContext context, LoopbackServer server, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            response.Headers.Append(name, value);
        }

        await ResponseWriter.WriteAsync(response, StatusCode, ContentType, _body).ConfigureAwait(false);
        return true;
    }

    public override string ToString() => $"Respond {StatusCode}";
}

/// <summary>Aborts the connection (<see cref="HttpContext.Abort"/>).</summary>
public sealed class ConnectionResetFault : Fault
{
    internal ConnectionResetFault()
    {
    }

    internal override ValueTask<bool> ApplyAsync(HttpContext context, LoopbackServer server, CancellationToken cancellationToken)
    {
        context.Abort();
        return ValueTask.FromResult(true);
    }

    public override string ToString() => "ConnectionReset";
}

/// <summary>Delays the request, then lets it through. The wait ends early when the client goes away or the server stops.</summary>
public sealed class DelayFault : Fault
{
    internal DelayFault(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Duration = delay;
    }

    public TimeSpan Duration { get; }

    internal override async ValueTask<bool> ApplyAsync(HttpContext context, LoopbackServer server, CancellationToken cancellationToken)
    {
        // This is the fake service being slow, not a test sleeping: the client's timeout is what is under test.
        // On the server's clock: a test that shares a fake clock with the client advances both together, once
        // LoopbackServer.WhenHeldAsync says the request is being held.
        await server.HoldAsync(Duration, cancellationToken).ConfigureAwait(false);
        return false;
    }

    public override string ToString() => $"Delay {Duration}";
}
