using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bridge.Sandbox;

namespace Bridge.Benchmarks;

/// <summary>What the runs that start the published host as a child process share: a free port, and waiting for it to listen.</summary>
internal static class ChildHost
{
    /// <summary><c>dotnet DLL --urls http://127.0.0.1:PORT</c> (or the apphost, when self-contained) in the publish folder, its output (and input, if asked) redirected.</summary>
    public static ProcessStartInfo StartInfo(string dll, string publish, int port, bool redirectInput = false)
    {
        // A self-contained publish (its runtimeconfig names no shared framework) runs through its own apphost.
        var apphost = Path.Combine(publish, Path.GetFileNameWithoutExtension(dll));
        // A Native AOT publish has the executable and no DLL at all.
        var selfContained = File.Exists(apphost)
            && (!File.Exists(dll) || File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")).Contains("includedFrameworks", StringComparison.Ordinal));
        var start = new ProcessStartInfo(selfContained ? apphost : "dotnet")
        {
            WorkingDirectory = publish,
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!selfContained) start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        return start;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls the port every <paramref name="poll"/> until Kestrel accepts; the child's output explains a failure.</summary>
    public static async Task WaitUntilListeningAsync(Process process, int port, ConcurrentQueue<string> output, TimeSpan poll)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited ({process.ExitCode}):\n{string.Join('\n', output)}");
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"the host did not listen within 30 s:\n{string.Join('\n', output)}");
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(poll);
            }
        }
    }
}

/// <summary>
/// The fakes a child host talks to, started in the benchmark's process, and the settings a deployment would give the
/// host to reach them (environment variables).
/// </summary>
internal sealed class ChildUpstreams : IAsyncDisposable
{
    private ChildUpstreams(FakeGitHub github, FakeCodePipeline codePipeline, FakeSts sts) => (GitHub, CodePipeline, Sts) = (github, codePipeline, sts);

    public FakeGitHub GitHub { get; }
    public FakeCodePipeline CodePipeline { get; }
    public FakeSts Sts { get; }

    public static async Task<ChildUpstreams> StartAsync()
    {
        var fakes = new LoopbackServerOptions { RecordRequests = false };
        var upstreams = new ChildUpstreams(new FakeGitHub(fakes), new FakeCodePipeline(fakes, Workload.Account), new FakeSts(fakes, Workload.Account));
        await Task.WhenAll(upstreams.GitHub.StartAsync(), upstreams.CodePipeline.StartAsync(), upstreams.Sts.StartAsync());
        upstreams.GitHub.AcceptToken(Rig.GitHubToken);
        upstreams.GitHub.RateLimit = 10_000_000; // keep x-ratelimit-remaining above zero on long runs
        return upstreams;
    }

    /// <summary>The standard keys a deployment sets, pointed at these fakes, then <paramref name="extra"/>.</summary>
    public Dictionary<string, string> Environment(IEnumerable<KeyValuePair<string, string>> extra)
    {
        var env = new Dictionary<string, string>
        {
            ["GitHub__ApiBaseUrl"] = GitHub.ApiAddress.ToString(),
            ["GitHub__Host"] = "github.com",
            ["GitHub__Token"] = Rig.GitHubToken,
            ["Bridge__FunctionKey"] = Rig.FunctionKey,
            ["AWS_ENDPOINT_URL_CODEPIPELINE"] = CodePipeline.BaseAddress.ToString(),
            ["AWS_ENDPOINT_URL_STS"] = Sts.BaseAddress.ToString(),
            ["AWS_REGION"] = Workload.Region,
            ["AWS_ACCESS_KEY_ID"] = Rig.BaseAccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = Rig.BaseSecretAccessKey,
            ["Aws__RoleArn"] = Rig.RoleArn,
        };
        foreach (var (key, value) in extra) env[key] = value;
        return env;
    }

    public async ValueTask DisposeAsync()
    {
        await GitHub.DisposeAsync();
        await CodePipeline.DisposeAsync();
        await Sts.DisposeAsync();
    }
}
