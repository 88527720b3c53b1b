using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Sandbox;

/// <summary>
/// A fake service on 127.0.0.1 over real HTTP(S). The base class owns everything the fakes share: the embedded Kestrel
/// server, request recording and fault injection. A concrete fake only answers requests (<see cref="HandleAsync"/>).
/// </summary>
/// <remarks>
/// Built on <see cref="WebApplication.CreateEmptyBuilder"/>: no configuration sources (so an <c>ASPNETCORE_URLS</c> of the
/// hosting process cannot move the fake), no logging providers, no routing middleware. Per request the cost is one body
/// read, one enqueue into a lock-free queue and the fake's own work, so a fake serves thousands of requests per second.
/// </remarks>
public abstract class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _holdWaiters = [];
    private volatile Fault? _standingFault;
    private int _requestCount;
    private int _held;
    private WebApplication? _app;
    private Uri? _baseAddress;

    protected LoopbackServer(LoopbackServerOptions? options)
    {
        Options = options ?? LoopbackServerOptions.Default;
    }

    /// <summary>Where the fake listens, for example <c>http://127.0.0.1:54321/</c>. Available after <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException($"{GetType().Name} is not started: call StartAsync first.");

    /// <summary>The certificate the fake serves HTTPS with, or null for plain HTTP.</summary>
    public virtual X509Certificate2? Certificate => null;

    /// <summary>The certificate presented on each new TLS connection: <see cref="Certificate"/> unless a fake presents another (an untrusted one).</summary>
    protected virtual X509Certificate2? PresentedCertificate => Certificate;

    /// <summary>Every request received since the last <see cref="ClearRequests"/>, in arrival order (empty when recording is off).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Number of requests received since the last <see cref="ClearRequests"/>, faulted ones included.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    protected LoopbackServerOptions Options { get; }

    protected TimeProvider Time => Options.TimeProvider;

    public void ClearRequests()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _requestCount, 0);
    }

    /// <summary>The next request that accepts faults gets <paramref name="fault"/> instead of normal processing.</summary>
    public void EnqueueFault(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        _faults.Enqueue(fault);
    }

    /// <summary>The next <paramref name="count"/> requests that accept faults get <paramref name="fault"/>.</summary>
    public void EnqueueFaults(int count, Fault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
        {
            EnqueueFault(fault);
        }
    }

    /// <summary>
    /// A standing fault for every request that accepts faults, until set back to null. Queued faults go first.
    /// </summary>
    public void SetFault(Fault? fault) => _standingFault = fault;

    /// <summary>Drops queued faults and the standing fault.</summary>
    public void ClearFaults()
    {
        _faults.Clear();
        _standingFault = null;
    }

    /// <summary>Requests held by a delay so far (a <see cref="DelayFault"/>, a fake's slow answer), since the server started.</summary>
    public int HeldCount
    {
        get
        {
            lock (_holdWaiters) return _held;
        }
    }

    /// <summary>
    /// Completes once <paramref name="count"/> requests in all have been held by a delay. A test on a fake clock waits for
    /// this, then advances the clock: the held request's timer is already set by then, so the advance releases it. No
    /// test has to sleep on the wall clock to let a request arrive.
    /// </summary>
    public Task WhenHeldAsync(int count)
    {
        lock (_holdWaiters)
        {
            if (_held >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Holds a request for <paramref name="delay"/> on the server's clock; ends early when the client goes away or the server stops.</summary>
    protected internal async Task HoldAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        // The timer is set before the hold is announced, so a clock advanced on the announcement releases it.
        var held = Task.Delay(delay, Time, stopping.Token);
        lock (_holdWaiters)
        {
            _held++;
            foreach (var waiter in _holdWaiters.Where(w => w.Count <= _held).ToList())
            {
                _holdWaiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }

        await held.ConfigureAwait(false);
    }

    /// <summary>A handler that trusts exactly this fake's certificate (see <see cref="SelfSignedCertificate.CreateTrustingHandler"/>), or a plain one for HTTP.</summary>
    public HttpMessageHandler CreateTrustingHandler() =>
        Certificate is { } certificate ? SelfSignedCertificate.CreateTrustingHandler(certificate) : new SocketsHttpHandler();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} is already started.");
        }

        var certificate = Certificate;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = GetType().Name });
        builder.WebHost.UseKestrelCore();
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, _) => PresentedCertificate,
                    });
                }
            });
        });

        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.Run(ProcessAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        _app = app;
    }

    /// <summary>Stops listening, as a service that is down or unreachable: new connections are refused. Dispose still cleans up.</summary>
    public async Task StopListeningAsync()
    {
        if (_app is { } app)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await app.StopAsync(grace.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;

            // Kestrel's graceful stop waits for requests in flight (30 s by default): a delay fault must not hold a
            // test's teardown hostage. End the delays, then give stragglers a moment before connections are cut.
            await _stopping.CancelAsync().ConfigureAwait(false);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await app.StopAsync(grace.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Answers one request. Faults and recording have already been dealt with.</summary>
    protected abstract Task HandleAsync(IncomingRequest request);

    /// <summary>Whether faults apply to this request. All requests by default; a fake narrows it (GitHub: status POSTs only).</summary>
    protected virtual bool AcceptsFaults(HttpRequest request) => true;

    /// <summary>Releases what a fake owns besides the server (a generated certificate, a key).</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private async Task ProcessAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var time = Time.GetUtcNow();
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        try
        {
            var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            string? bodyText = null;
            if (Options.RecordRequests)
            {
                bodyText = System.Text.Encoding.UTF8.GetString(body);
                _requests.Enqueue(RecordedRequest.From(context.Request, rawTarget, bodyText, time));
            }

            if (AcceptsFaults(context.Request) && NextFault() is { } fault)
            {
                using var faultCancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
                if (await fault.ApplyAsync(context, this, faultCancellation.Token).ConfigureAwait(false))
                {
                    return;
                }
            }

            await HandleAsync(new IncomingRequest(context, body, bodyText, time)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // The client went away (its timeout, or a delay fault outlived it) or the server is stopping: cut the
            // connection rather than answer anything a client could mistake for the service's reply.
            context.Abort();
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            // A bug in a fake must show up in the test that hit it, not vanish into a silent 500 (logging is off).
            await ResponseWriter.WriteTextAsync(
                context.Response,
                StatusCodes.Status500InternalServerError,
                "text/plain; charset=utf-8",
                $"{GetType().Name} failed: {ex}").ConfigureAwait(false);
        }
    }

    private Fault? NextFault() => _faults.TryDequeue(out var queued) ? queued : _standingFault;

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            if (length == 0)
            {
                return [];
            }

            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
