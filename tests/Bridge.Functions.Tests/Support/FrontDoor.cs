using System.Collections.Concurrent;
using System.Net;
using System.Web;
using Bridge.Functions.Tests.WorkerProtocol;

namespace Bridge.Functions.Tests.Support;

/// <summary>An HTTP-triggered invocation as the host saw it: the request it sent the worker and the worker's answer.</summary>
public sealed record HttpInvocation(string FunctionName, string InvocationId, InvocationResponse Response, HttpStatusCode Status);

/// <summary>
/// The host's public HTTP side, as an <see cref="HttpMessageHandler"/> so tests use a plain HttpClient: matches the
/// route under routePrefix "api" and the method, checks the function key for authLevel Function (x-functions-key header
/// or code query) before anything reaches the worker, then does what the host does for the ASP.NET Core integration:
/// sends an InvocationRequest on the gRPC stream and, at the same time, forwards the request itself to the worker's
/// HttpUri with x-ms-invocation-id, so the worker can pair the two. The worker's HTTP response is the answer.
/// </summary>
public sealed class FrontDoor(FunctionsHost host, string functionKey) : HttpMessageHandler
{
    public const string RoutePrefix = "api";
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private readonly HttpClient _toWorker = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly ConcurrentQueue<HttpInvocation> _invocations = new();
    private int _rejected;

    public IReadOnlyList<HttpInvocation> Invocations => [.. _invocations];

    /// <summary>Requests refused for a missing or wrong key, never shown to the worker.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request needs an absolute URI.", nameof(request));
        var path = uri.AbsolutePath.Trim('/');
        var function = path.StartsWith(RoutePrefix + "/", StringComparison.OrdinalIgnoreCase)
            ? host.Functions.Values.FirstOrDefault(f => f.IsHttp && f.Route.Equals(path[(RoutePrefix.Length + 1)..], StringComparison.OrdinalIgnoreCase))
            : null;
        if (function is null) return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        if (!function.Methods.Contains(request.Method.Method.ToUpperInvariant()))
            return new HttpResponseMessage(HttpStatusCode.MethodNotAllowed) { RequestMessage = request };

        if (!function.AuthLevel.Equals("Anonymous", StringComparison.OrdinalIgnoreCase) && !HasKey(request, uri))
        {
            Interlocked.Increment(ref _rejected);
            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
        }

        var invocationId = Guid.NewGuid().ToString();
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        using var forward = new HttpRequestMessage(request.Method, new Uri(host.WorkerHttpUri ?? throw new InvalidOperationException("The worker did not advertise HttpUri."), uri.PathAndQuery));
        foreach (var (name, values) in request.Headers) forward.Headers.TryAddWithoutValidation(name, values);
        if (request.Content is not null)
        {
            forward.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content.Headers) forward.Content.Headers.TryAddWithoutValidation(name, values);
        }
        forward.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);

        var http = new RpcHttp { Method = request.Method.Method, Url = uri.ToString() };
        foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            http.Headers[name.ToLowerInvariant()] = string.Join(",", values);
            http.NullableHeaders[name.ToLowerInvariant()] = new NullableString { Value = string.Join(",", values) };
        }
        var query = HttpUtility.ParseQueryString(uri.Query);
        foreach (var name in query.AllKeys.OfType<string>())
        {
            http.Query[name] = query[name] ?? "";
            http.NullableQuery[name] = new NullableString { Value = query[name] ?? "" };
        }
        var binding = function.Metadata.Bindings.First(b => b.Value.Direction == BindingInfo.Types.Direction.In).Key;

        // Both at once: the worker holds the HTTP request until the invocation arrives and the other way round.
        var invocation = host.InvokeAsync(function.Name, [new ParameterBinding { Name = binding, Data = new TypedData { Http = http } }], invocationId: invocationId, ct: ct);
        var forwarded = _toWorker.SendAsync(forward, HttpCompletionOption.ResponseContentRead, ct);
        await Task.WhenAll(invocation, forwarded);

        var answer = await forwarded;
        _invocations.Enqueue(new HttpInvocation(function.Name, invocationId, await invocation, answer.StatusCode));
        var response = new HttpResponseMessage(answer.StatusCode) { RequestMessage = request, Content = new ByteArrayContent(await answer.Content.ReadAsByteArrayAsync(ct)) };
        foreach (var (name, values) in answer.Headers) response.Headers.TryAddWithoutValidation(name, values);
        foreach (var (name, values) in answer.Content.Headers) response.Content.Headers.TryAddWithoutValidation(name, values);
        answer.Dispose();
        return response;
    }

    private bool HasKey(HttpRequestMessage request, Uri uri)
    {
        var key = request.Headers.TryGetValues("x-functions-key", out var values) ? values.FirstOrDefault() : HttpUtility.ParseQueryString(uri.Query)["code"];
        return key is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(functionKey));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _toWorker.Dispose();
        base.Dispose(disposing);
    }
}
