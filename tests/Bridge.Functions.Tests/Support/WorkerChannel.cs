using System.Collections.Concurrent;
using Bridge.Functions.Tests.WorkerProtocol;
using Grpc.Core;
using Content = Bridge.Functions.Tests.WorkerProtocol.StreamingMessage.ContentOneofCase;

namespace Bridge.Functions.Tests.Support;

/// <summary>
/// The host's end of the one bidirectional stream a worker opens: waits for StartStream, correlates responses with the
/// requests that asked for them (by request_id, or invocation_id for invocations) and keeps every RpcLog.
/// </summary>
public sealed class WorkerChannel
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<StartStream> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly ConcurrentQueue<RpcLog> _logs = new();
    private readonly ConcurrentQueue<StreamingMessage> _unsolicited = new();
    private readonly ConcurrentQueue<InvocationRequest> _invocations = new();
    private IServerStreamWriter<StreamingMessage>? _writer;

    /// <summary>Completes with the worker's StartStream, the first message on the stream.</summary>
    public Task<StartStream> Started => _started.Task;

    /// <summary>Completes when the worker's side of the stream ends (the worker stopped or disconnected).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Every log line the worker sent, in arrival order.</summary>
    public IReadOnlyList<RpcLog> Logs => [.. _logs];

    /// <summary>Every InvocationRequest this host sent, so a test can tell the worker was never asked.</summary>
    public IReadOnlyList<InvocationRequest> InvocationsSent => [.. _invocations];

    /// <summary>Messages nobody asked for (other than logs), for diagnostics.</summary>
    public IReadOnlyList<StreamingMessage> Unsolicited => [.. _unsolicited];

    internal async Task RunAsync(IAsyncStreamReader<StreamingMessage> reader, IServerStreamWriter<StreamingMessage> writer, CancellationToken ct)
    {
        try
        {
            if (!await reader.MoveNext(ct) || reader.Current.ContentCase != Content.StartStream)
                throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "The first message of a worker must be StartStream."));
            if (Interlocked.CompareExchange(ref _writer, writer, null) is not null)
                throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "This host serves one worker."));
            _started.TrySetResult(reader.Current.StartStream);
            while (await reader.MoveNext(ct)) Dispatch(reader.Current);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            _ended.TrySetResult();
            foreach (var (key, tcs) in _pending)
                if (_pending.TryRemove(key, out _)) tcs.TrySetException(new InvalidOperationException($"The worker's stream ended before it answered '{key}'."));
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        if (message.ContentCase == Content.RpcLog)
        {
            _logs.Enqueue(message.RpcLog);
            return;
        }
        var key = message.ContentCase == Content.InvocationResponse ? InvocationKey(message.InvocationResponse.InvocationId) : message.RequestId;
        if (_pending.TryRemove(key, out var tcs)) tcs.TrySetResult(message);
        else _unsolicited.Enqueue(message);
    }

    /// <summary>Sends a message and waits (bounded) for the one that answers it.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, TimeSpan timeout, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(request.RequestId)) request.RequestId = Guid.NewGuid().ToString();
        var key = request.ContentCase == Content.InvocationRequest ? InvocationKey(request.InvocationRequest.InvocationId) : request.RequestId;
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, answer)) throw new InvalidOperationException($"'{key}' is already waiting for an answer.");
        try
        {
            if (request.ContentCase == Content.InvocationRequest) _invocations.Enqueue(request.InvocationRequest);
            await SendAsync(request, ct);
            return await answer.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The worker did not answer {request.ContentCase} '{key}' within {timeout}.", e);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Sends a message that has no answer (WorkerTerminate).</summary>
    public async Task SendAsync(StreamingMessage message, CancellationToken ct = default)
    {
        var writer = _writer ?? throw new InvalidOperationException("No worker is connected.");
        await _writeLock.WaitAsync(ct);
        try { await writer.WriteAsync(message, ct); }
        finally { _writeLock.Release(); }
    }

    private static string InvocationKey(string invocationId) => "invocation:" + invocationId;
}

/// <summary>The gRPC service the worker dials: hands the stream to the single <see cref="WorkerChannel"/>.</summary>
public sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.RunAsync(requestStream, responseStream, context.CancellationToken);
}
