using System.Diagnostics;
using Bridge.Sandbox;

namespace Bridge.Benchmarks;

/// <summary>
/// Cold start of the <b>published</b> Kestrel host, as Flex Consumption starts an instance on demand: the loopback fakes
/// run in this process; the host is a child process (<c>dotnet Bridge.Host.dll</c>) configured through environment
/// variables the way a deployment is. Two launches per round: one whose first request is the sample event
/// (process start → first event answered), one whose first request is GET /api/health (→ first health answered).
/// </summary>
internal static class ColdStart
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var publish = Path.GetFullPath(o.PublishDir ?? throw new ArgumentException("--cold-start needs --publish DIR (the output of dotnet publish src/Bridge.Host)."));
        var dll = Path.Combine(publish, "Bridge.Host.dll");
        if (!File.Exists(dll) && !File.Exists(Path.ChangeExtension(dll, null))) throw new ArgumentException($"{dll} not found: publish the host first (see BENCHMARKS.md, Cold start).");
        var samples = FindSamples();
        // By default a GitHub (V1 source action) revision, so the first request does the whole path (STS, CodePipeline, GitHub).
        var body = await File.ReadAllBytesAsync(Path.Combine(samples, o.FirstEvent));

        await using var upstreams = await ChildUpstreams.StartAsync();
        var github = upstreams.GitHub;
        upstreams.CodePipeline.SeedFrom(Path.Combine(samples, "executions.json"));
        var env = upstreams.Environment(o.ChildEnvironment);

        Console.WriteLine($"Cold start of {dll}");
        Console.WriteLine($"  first event: samples/{o.FirstEvent} (executions seeded from samples/executions.json)");
        if (o.ChildEnvironment.Count > 0) Console.WriteLine($"  extra environment: {string.Join(' ', o.ChildEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Console.WriteLine($"  load average before: {LoadAverage()}");

        var toEvent = new List<double>();
        var toHealth = new List<double>();
        for (var i = 0; i < o.ColdStarts; i++)
        {
            var e = await LaunchAsync(dll, publish, env, firstIsEvent: true, body);
            var h = await LaunchAsync(dll, publish, env, firstIsEvent: false, body);
            toEvent.Add(e);
            toHealth.Add(h);
            Console.WriteLine($"  run {i + 1}: first event {e,6:F0} ms   first health {h,6:F0} ms   (load {LoadAverage()})");
        }
        Console.WriteLine($"  process start → first event answered:  median {Median(toEvent),4:F0} ms  min {toEvent.Min(),4:F0}  max {toEvent.Max(),4:F0}");
        Console.WriteLine($"  process start → first health answered: median {Median(toHealth),4:F0} ms  min {toHealth.Min(),4:F0}  max {toHealth.Max(),4:F0}");
        Console.WriteLine($"  GitHub statuses accepted: {github.Statuses.Count} (expected {o.ColdStarts}: one per event launch)");
        Console.WriteLine($"  load average after: {LoadAverage()}");
        return github.Statuses.Count >= o.ColdStarts ? 0 : 1;
    }

    private static async Task<double> LaunchAsync(string dll, string publish, Dictionary<string, string> env, bool firstIsEvent, byte[] body)
    {
        var port = ChildHost.FreePort();
        var start = ChildHost.StartInfo(dll, publish, port);
        foreach (var (key, value) in env) start.Environment[key] = value;

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, a) => { if (a.Data is not null) output.Enqueue(a.Data); };
        process.ErrorDataReceived += (_, a) => { if (a.Data is not null) output.Enqueue(a.Data); };
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Poll the port until Kestrel accepts (every 2 ms: the poll is part of the figure).
            await ChildHost.WaitUntilListeningAsync(process, port, output, TimeSpan.FromMilliseconds(2));
            using var request = firstIsEvent ? Requests.Event(body) : new HttpRequestMessage(HttpMethod.Get, "api/health");
            using var response = await client.SendAsync(request);
            var answered = clock.Elapsed.TotalMilliseconds;
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}\n{string.Join('\n', output)}");
            return answered;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string FindSamples()
    {
        foreach (var from in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "samples", "executions.json"))) return Path.Combine(dir.FullName, "samples");
        throw new InvalidOperationException("samples/ not found: run from the repository.");
    }
}
