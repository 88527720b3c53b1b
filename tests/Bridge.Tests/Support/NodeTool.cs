using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Tests.Support;

/// <summary>Starts a tool installed by tests/tools (npm) on a free loopback port and stops it with the fixture.</summary>
public sealed class NodeTool : IAsyncDisposable
{
    private readonly Process _process;

    private NodeTool(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    public static async Task<NodeTool> StartAsync(string binName, Func<int, string> arguments, Func<HttpClient, int, Task<bool>> ready, TimeSpan timeout)
    {
        var bin = Path.Combine(TestEvents.RepoRoot, "tests", "tools", "node_modules", ".bin", binName);
        if (!File.Exists(bin))
            throw new InvalidOperationException($"{bin} is missing: run 'npm ci' in tests/tools (tests/run-all.sh does).");
        var port = FreePort();
        var info = new ProcessStartInfo(bin, arguments(port))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var tool = new NodeTool(process, port);

        // Readiness polling with a deadline: a wait for the tool to listen, not a sleep standing in for timing.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited) break;
            try
            {
                if (await ready(http, port)) return tool;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await tool.DisposeAsync();
        throw new InvalidOperationException($"{binName} did not start listening on 127.0.0.1:{port} within {timeout.TotalSeconds} s.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
