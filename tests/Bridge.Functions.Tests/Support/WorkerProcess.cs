using System.Collections.Concurrent;
using System.Diagnostics;

namespace Bridge.Functions.Tests.Support;

/// <summary>
/// The published worker as the Functions host starts it: <c>dotnet Bridge.Functions.dll</c> in the app directory, with
/// the host's command line (both the old --host/--port/--workerId/--requestId/--grpcMaxMessageLength and the
/// --functions-* names), the host's environment, and the app settings as environment variables (Section__Key).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    public const int GrpcMaxMessageLength = int.MaxValue;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process, string workerId)
    {
        _process = process;
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>stdout and stderr, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public Task Exited => _process.WaitForExitAsync();

    public static WorkerProcess Start(string appDirectory, Uri grpcUri, IReadOnlyDictionary<string, string> settings)
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
            Path.Combine(appDirectory, "Bridge.Functions.dll"),
            "--host", grpcUri.Host, "--port", grpcUri.Port.ToString(), "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", GrpcMaxMessageLength.ToString(),
            "--functions-uri", grpcUri.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", GrpcMaxMessageLength.ToString()])
            info.ArgumentList.Add(arg);

        // Nothing of the test process's own hosting may move the worker's HTTP server.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
            info.Environment.Remove(inherited);
        // What the host sets for a dotnet-isolated worker.
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        info.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, workerId);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) worker._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) worker._output.Enqueue("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
