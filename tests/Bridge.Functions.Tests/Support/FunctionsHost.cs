using System.Net;
using System.Text.Json.Nodes;
using Bridge.Functions.Tests.WorkerProtocol;
using Google.Protobuf.Collections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Functions.Tests.Support;

/// <summary>A function as the worker indexed it, with its trigger binding (the JSON of functions.metadata).</summary>
public sealed record HostedFunction(string Name, string FunctionId, RpcFunctionMetadata Metadata, JsonObject Trigger)
{
    public string TriggerType => (string?)Trigger["type"] ?? "";
    public bool IsHttp => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);
    public string Route => (string?)Trigger["route"] ?? Name;
    public string AuthLevel => (string?)Trigger["authLevel"] ?? "Function";
    public IReadOnlyList<string> Methods => Trigger["methods"]?.AsArray().Select(m => ((string)m!).ToUpperInvariant()).ToArray() ?? ["GET", "POST"];
}

/// <summary>
/// Stands in for the Azure Functions host: a gRPC server on 127.0.0.1 that the worker connects to, the start-up
/// handshake (WorkerInit, FunctionsMetadata, FunctionLoad per function), invocations, and the HTTP front door that
/// checks function keys and forwards requests to the worker's own HTTP server (<see cref="FrontDoor"/>).
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    public const string HostVersion = "4.1040.0-bridge-tests";
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _server;
    private readonly Dictionary<string, HostedFunction> _functions = new(StringComparer.OrdinalIgnoreCase);

    private FunctionsHost(WebApplication server, Uri grpcUri, WorkerChannel channel)
    {
        _server = server;
        GrpcUri = grpcUri;
        Channel = channel;
    }

    public WorkerChannel Channel { get; }

    /// <summary>Where the worker dials in, for example http://127.0.0.1:5xxxx/.</summary>
    public Uri GrpcUri { get; }

    /// <summary>The capabilities the worker answered WorkerInitRequest with.</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's own HTTP server (capability HttpUri), where HTTP triggers are forwarded.</summary>
    public Uri? WorkerHttpUri { get; private set; }

    public IReadOnlyDictionary<string, HostedFunction> Functions => _functions;

    public static async Task<FunctionsHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = int.MaxValue;
            o.MaxSendMessageSize = int.MaxValue;
        });
        var channel = new WorkerChannel();
        builder.Services.AddSingleton(channel);
        builder.Services.AddSingleton<FunctionRpcService>();
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FunctionsHost(app, new Uri(address.EndsWith('/') ? address : address + "/"), channel);
    }

    /// <summary>
    /// What the host does once the worker has said StartStream: WorkerInitRequest, FunctionsMetadataRequest (the worker
    /// indexes its own functions: worker.config.json has workerIndexing), then a FunctionLoadRequest per function.
    /// </summary>
    public async Task InitializeWorkerAsync(string appDirectory)
    {
        var init = new WorkerInitRequest { HostVersion = HostVersion, WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory };
        // What the v4 host advertises; the worker only reads these.
        init.Capabilities.Add("RpcHttpBodyOnly", "true");
        init.Capabilities.Add("RawHttpBodyBytes", "true");
        init.Capabilities.Add("TypedDataCollection", "true");
        init.Capabilities.Add("RpcHttpTriggerMetadataRemoved", "true");
        init.Capabilities.Add("UseNullableValueDictionaryForHttp", "true");
        var initAnswer = (await Channel.RequestAsync(new StreamingMessage { WorkerInitRequest = init }, AnswerTimeout)).WorkerInitResponse
            ?? throw new InvalidOperationException("The worker answered WorkerInitRequest with something else.");
        EnsureSuccess(initAnswer.Result, "WorkerInit");
        WorkerCapabilities = initAnswer.Capabilities.ToDictionary();
        if (WorkerCapabilities.TryGetValue("HttpUri", out var httpUri)) WorkerHttpUri = new Uri(httpUri);

        var metadata = (await Channel.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new() { FunctionAppDirectory = appDirectory } }, AnswerTimeout))
            .FunctionMetadataResponse ?? throw new InvalidOperationException("The worker answered FunctionsMetadataRequest with something else.");
        EnsureSuccess(metadata.Result, "FunctionsMetadata");
        if (metadata.UseDefaultMetadataIndexing) throw new InvalidOperationException("The worker asked for host indexing; these tests expect worker indexing.");

        foreach (var function in metadata.FunctionMetadataResults)
        {
            var raw = function.RawBindings.Select(b => JsonNode.Parse(b)!.AsObject()).ToList();
            var load = function.Clone();
            if (string.IsNullOrEmpty(load.FunctionId)) load.FunctionId = Guid.NewGuid().ToString();
            // The host turns raw bindings into BindingInfo; the worker builds its function definition from these.
            if (load.Bindings.Count == 0) AddBindings(load.Bindings, raw);
            var loaded = (await Channel.RequestAsync(new StreamingMessage { FunctionLoadRequest = new() { FunctionId = load.FunctionId, Metadata = load } }, AnswerTimeout))
                .FunctionLoadResponse ?? throw new InvalidOperationException($"The worker answered FunctionLoadRequest for {load.Name} with something else.");
            EnsureSuccess(loaded.Result, $"FunctionLoad {load.Name}");
            var trigger = raw.Single(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true);
            _functions[load.Name] = new HostedFunction(load.Name, load.FunctionId, load, trigger);
        }
        await WaitForWorkerHttpAsync();
    }

    /// <summary>
    /// The worker advertises HttpUri before its own Kestrel listens; on a busy machine the first forwarded request can
    /// arrive too early. Readiness, not timing: poll the port until it accepts (bounded), as the real host's retries do.
    /// </summary>
    private async Task WaitForWorkerHttpAsync()
    {
        if (WorkerHttpUri is not { } uri) return;
        var until = DateTime.UtcNow + AnswerTimeout;
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(uri.Host, uri.Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(50);
            }
        }
    }

    private static void AddBindings(MapField<string, BindingInfo> bindings, IEnumerable<JsonObject> raw)
    {
        foreach (var b in raw)
        {
            var direction = ((string?)b["direction"])?.ToLowerInvariant() switch
            {
                "out" => BindingInfo.Types.Direction.Out,
                "inout" => BindingInfo.Types.Direction.Inout,
                _ => BindingInfo.Types.Direction.In,
            };
            var info = new BindingInfo { Type = (string?)b["type"] ?? "", Direction = direction };
            foreach (var (k, v) in b)
                if (k is not ("name" or "type" or "direction") && v is not null) info.Properties[k] = v is JsonValue ? v.ToString() : v.ToJsonString();
            bindings[(string?)b["name"] ?? ""] = info;
        }
    }

    /// <summary>Sends an InvocationRequest and waits for its InvocationResponse.</summary>
    public async Task<InvocationResponse> InvokeAsync(string functionName, IEnumerable<ParameterBinding> inputs,
        IDictionary<string, TypedData>? triggerMetadata = null, string? invocationId = null, CancellationToken ct = default)
    {
        var function = _functions[functionName];
        var request = new InvocationRequest
        {
            InvocationId = invocationId ?? Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01" },
        };
        request.InputData.AddRange(inputs);
        if (triggerMetadata is not null) request.TriggerMetadata.Add(triggerMetadata);
        var answer = await Channel.RequestAsync(new StreamingMessage { InvocationRequest = request }, AnswerTimeout, ct);
        return answer.InvocationResponse;
    }

    /// <summary>The public HTTP side of the host, as an HttpClient handler: route, function key, forward.</summary>
    public FrontDoor CreateFrontDoor(string functionKey) => new(this, functionKey);

    public async Task TerminateWorkerAsync(TimeSpan gracePeriod)
    {
        try
        {
            await Channel.SendAsync(new StreamingMessage { WorkerTerminate = new() { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(gracePeriod) } });
        }
        catch (InvalidOperationException)
        {
            // No worker connected: nothing to terminate.
        }
    }

    private static void EnsureSuccess(StatusResult? result, string step)
    {
        if (result?.Status == StatusResult.Types.Status.Success) return;
        throw new InvalidOperationException($"{step} failed: {result?.Result} {result?.Exception?.Message}\n{result?.Exception?.StackTrace}");
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _server.StopAsync(stopping.Token);
        await _server.DisposeAsync();
    }
}
