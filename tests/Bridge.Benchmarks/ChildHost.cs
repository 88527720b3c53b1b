using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Benchmarks;

/// <summary>What the runs that start the published host as a child process share: a free port, and waiting for it to listen.</summary>
internal static class ChildHost
{
    /// <summary><c>dotnet DLL --urls http://127.0.0.1:PORT</c> (or the apphost, when self-contained) in the publish folder, its output (and input, if asked) redirected.</summary>
    public static ProcessStartInfo StartInfo(string dll, string publish, int port, bool redirectInput = false)
    {
        // A self-contained publish (its runtimeconfig names no shared framework) runs through its own apphost.
        var apphost = Path.Combine(publish, Path.GetFileNameWithoutExtension(dll));
        var selfContained = File.Exists(apphost)
            && File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")).Contains("includedFrameworks", StringComparison.Ordinal);
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
