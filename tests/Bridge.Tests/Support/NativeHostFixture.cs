using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

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

    public async Task InitializeAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestEvents.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["publish", Path.Combine("src", "Bridge.Host"), "-c", "Release", "-o", Path.Combine(_root, "publish"),
                     "--artifacts-path", Path.Combine(_root, "artifacts"), "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false"])
            info.ArgumentList.Add(arg);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish src/Bridge.Host did not finish within 10 minutes:\n{output}");
        }
        if (process.ExitCode != 0 || !File.Exists(Executable))
            throw new InvalidOperationException($"dotnet publish src/Bridge.Host failed ({process.ExitCode}) or left no {Executable}:\n{output}");
    }

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

    internal NativeHost(Process process, int port)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        Port = port;
    }

    public int Port { get; }
    public HttpClient Client { get; }
    public string Output => string.Join('\n', _output);

    internal async Task WaitUntilListeningAsync()
    {
        // Polls the port; the bound (a minute of attempts) only ends a host that never starts.
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the native host exited ({_process.ExitCode}):\n{Output}");
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        }
        throw new TimeoutException($"the native host did not listen:\n{Output}");
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
