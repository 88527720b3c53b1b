using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bridge.Functions.Tests.Support;

namespace Bridge.Tests.Support;

/// <summary>
/// The Kestrel host as it ships: <c>dotnet publish src/Bridge.Host -c Release</c>, which the csproj makes a Native AOT
/// executable, published once for the test class. The in-process harness runs the same code on the JIT; this is where
/// what trimming and AOT compilation change (reflection, configuration binding, serializers) would show.
/// The build has its own artifacts folder, so it cannot collide with the worker tests' publish of the same projects,
/// which runs at the same time.
/// </summary>
public sealed class NativeHostFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bridge-native-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public string Executable => Path.Combine(_root, "publish", "Bridge.Host");

    public Task InitializeAsync() => Publisher.PublishAsync(Path.Combine("src", "Bridge.Host"), Path.GetDirectoryName(Executable)!, "Bridge.Host",
        TimeSpan.FromMinutes(10), "--artifacts-path", Path.Combine(_root, "artifacts"));

    /// <summary>Starts the executable with <paramref name="environment"/> (as a container would get its settings) on a free port.</summary>
    public async Task<NativeHost> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = Path.GetDirectoryName(Executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var host = new NativeHost(Process.Start(info)!, port);
        await host.WaitUntilListeningAsync();
        return host;
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

/// <summary>One running native host: its address, a client, and everything it wrote.</summary>
public sealed class NativeHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal NativeHost(Process process, int port)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _output.Enqueue(e.Data);
            // Kestrel's own line once it accepts connections (the host logs at Information unless told otherwise).
            if (e.Data.Contains("Now listening on:", StringComparison.Ordinal)) _listening.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }
    public string Output => string.Join('\n', _output);

    /// <summary>Until Kestrel says it listens; a host that exits first, or never says so within a minute, fails the test with its output.</summary>
    internal async Task WaitUntilListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(_listening.Task, exited).WaitAsync(TimeSpan.FromMinutes(1)) == exited)
            throw new InvalidOperationException($"the native host exited ({_process.ExitCode}):\n{Output}");
    }

    public Task<HttpResponseMessage> PostEventAsync(byte[] body, string? key = TestSecrets.FunctionKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/codepipeline-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetDeepHealthAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/health/deep");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
