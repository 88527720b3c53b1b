using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Bridge.Benchmarks;

/// <summary>
/// The same day with the bridge in its own process (<c>--process DIR</c>): the <b>published</b> Kestrel host started as
/// a deployment starts it (environment variables, production settings), the fakes and the load generator in this
/// process. The bridge's own CPU, allocations, GCs and peak working set are read inside it through
/// <see cref="StartupHook"/>, so they are the figures of what ships, without the three fakes and the client that the
/// in-process run (the default) counts with it. Ledger round trips are not counted here (the in-process run does).
/// </summary>
internal static class ProcessDay
{
    private sealed record Probe(long Allocated, double CpuMs, long PeakWorkingSet, long WorkingSet, long JitMethods, int Gen0, int Gen1, int Gen2, long GcCommitted, long GcHeap)
    {
        public static Probe Parse(string line)
        {
            var p = line[StartupHook.Prefix.Length..].Split(' ');
            static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
            return new(L(p[0]), double.Parse(p[1], CultureInfo.InvariantCulture), L(p[2]), L(p[3]), L(p[4]), (int)L(p[5]), (int)L(p[6]), (int)L(p[7]), L(p[8]), L(p[9]));
        }
    }

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var publish = Path.GetFullPath(o.ProcessDir!);
        var dll = Path.Combine(publish, "Bridge.Host.dll");
        // A Native AOT publish has no DLL and runs no startup hook: its CPU and memory are read from /proc instead, and
        // its allocations and GC counts are not available (printed as n/a).
        var native = !File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, null));
        if (!File.Exists(dll) && !native) throw new ArgumentException($"{dll} not found: dotnet publish src/Bridge.Host -c Release -o {publish}");

        await using var upstreams = await ChildUpstreams.StartAsync();
        var (github, codePipeline, sts) = (upstreams.GitHub, upstreams.CodePipeline, upstreams.Sts);

        var warmup = Workload.Generate("warm", o.WarmupExecutions, Math.Max(1, Math.Min(o.Repos, 20)), o.Seed + 1, o);
        var day = Workload.Generate("svc", o.Executions, o.Repos, o.Seed, o);
        var expected = Expectation.Of(day);
        warmup.Seed(codePipeline);
        day.Seed(codePipeline);

        var port = ChildHost.FreePort();
        var start = ChildHost.StartInfo(dll, publish, port, redirectInput: true);
        var settings = upstreams.Environment(new Dictionary<string, string>
        {
            ["GitHub__MaxWritesPerMinute"] = o.MaxWritesPerMinute.ToString(CultureInfo.InvariantCulture),
            ["GitHub__MaxWritesPerHour"] = "2147483647",
            ["GitHub__MaxConcurrentWrites"] = o.MaxConcurrentWrites.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        }.Concat(native ? [] : [KeyValuePair.Create("DOTNET_STARTUP_HOOKS", typeof(StartupHook).Assembly.Location)]).Concat(o.ChildEnvironment));
        foreach (var (key, value) in settings) start.Environment[key] = value;

        var probes = Channel.CreateUnbounded<string>();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, a) =>
        {
            if (a.Data is null) return;
            if (a.Data.StartsWith(StartupHook.Prefix, StringComparison.Ordinal)) probes.Writer.TryWrite(a.Data);
            else output.Enqueue(a.Data);
        };
        process.ErrorDataReceived += (_, a) => { if (a.Data is not null) output.Enqueue(a.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ChildHost.WaitUntilListeningAsync(process, port, output, TimeSpan.FromMilliseconds(10));
            async Task<Probe> ProbeAsync()
            {
                if (native) return ProcProbe(process.Id);
                await process.StandardInput.WriteLineAsync("probe");
                await process.StandardInput.FlushAsync();
                return Probe.Parse(await probes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            }

            using var client = Load.CreateClient(new Uri($"http://127.0.0.1:{port}/"), o.Connections);
            Func<int, HttpRequestMessage> EventsOf(Workload w) => i => Requests.Event(w.Events[i].Body);
            var started = await ProbeAsync();
            if (warmup.Events.Count > 0) await Load.RunAsync("warm-up", client, warmup.Events.Count, o.Concurrency, EventsOf(warmup));

            // The same settling as the in-process run, on the bridge's own JIT count.
            var settleJit = await Settle.RunAsync(o.SettleRounds, async () => (await ProbeAsync()).JitMethods, async round =>
            {
                var more = Settle.Round(round, o);
                more.Seed(codePipeline);
                await Load.RunAsync($"settle {round + 1}", client, more.Events.Count, o.Concurrency, EventsOf(more));
            });
            github.ClearRequests();
            github.ClearStatuses();
            codePipeline.ClearRequests();
            sts.ClearRequests();
            GC.Collect();

            if (o.WaitIdleSeconds > 0) await MachineCpu.WaitForIdleAsync(TimeSpan.FromSeconds(o.WaitIdleSeconds));
            var p0 = await ProbeAsync();
            var measured = await Load.RunAsync("day", client, day.Events.Count, o.Concurrency, EventsOf(day));
            var p1 = await ProbeAsync();
            var wrong = expected.WrongOn(github);
            var posts = github.RequestCount;
            var distinct = github.Statuses.Select(s => (s.OwnerRepo.ToLowerInvariant(), s.Sha, s.Context, s.State, Expectation.ExecutionOf(s.TargetUrl))).Distinct().Count();

            var events = measured.Requests;
            var cpuPerEvent = (p1.CpuMs - p0.CpuMs) / events;
            var allocKb = (p1.Allocated - p0.Allocated) / 1024.0 / events;
            var peakMb = p1.PeakWorkingSet / (1024.0 * 1024.0);
            static string Verdict(bool pass) => pass ? "PASS" : "MISS";
            Console.WriteLine($"Bridge benchmark, the bridge in its own process, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC: {dll}");
            Console.WriteLine($"  workload     {events:N0} events ({o.Executions} executions on {o.Repos} repositories, seed {o.Seed}); {expected.Final.Count} status slots; {o.Concurrency} in flight");
            Console.WriteLine($"  warm-up      {warmup.Events.Count:N0} events; settle: {settleJit.Count} rounds of {Settle.Executions} executions, methods JIT-compiled in the bridge per round and its pause: {string.Join(", ", settleJit)}");
            Console.WriteLine($"  throughput   {measured.PerSecond:N0} events/s (≥ 3,000: {Verdict(measured.PerSecond >= 3000)}); p50 / p99 {measured.Latency.P50:N2} / {measured.Latency.P99:N2} ms; non-2xx {measured.Non2xx}");
            Console.WriteLine($"  bridge CPU   {cpuPerEvent:N3} ms per event (the bridge's process alone; 2 cores → ≤ {2000 / cpuPerEvent:N0} events/s); JIT during the day: {p1.JitMethods - p0.JitMethods} methods");
            Console.WriteLine(native
                ? "  allocated    n/a (Native AOT: no startup hook to read the GC from)"
                : $"  allocated    {allocKb:N1} KB per event in the bridge's process (≤ 40: {Verdict(allocKb <= 40)}); GCs gen0/1/2 {p1.Gen0 - p0.Gen0}/{p1.Gen1 - p0.Gen1}/{p1.Gen2 - p0.Gen2}");
            Console.WriteLine($"  memory       bridge's peak working set {peakMb:N0} MB over its lifetime (≤ 130: {Verdict(peakMb <= 130)}); after start {started.WorkingSet / (1024.0 * 1024.0):N0} MB, after the day {p1.WorkingSet / (1024.0 * 1024.0):N0} MB{(native ? "" : $"; GC heap {p1.GcHeap / (1024.0 * 1024.0):N0} MB, committed {p1.GcCommitted / (1024.0 * 1024.0):N0} MB")}");
            Console.WriteLine($"  this process {measured.CpuMsPerRequest:N3} ms CPU and {measured.AllocKbPerRequest:N1} KB per event (fakes + load generator); cores used by other processes {measured.OtherCores:N2}");
            Console.WriteLine($"  GitHub       {posts:N0} POSTs, {distinct:N0} distinct statuses (≤ 1 per distinct: {Verdict(posts <= distinct)}); AWS calls {codePipeline.RequestCount + sts.RequestCount} ({(codePipeline.RequestCount + sts.RequestCount) / (double)events:N3} per event)");
            Console.WriteLine($"  final status {expected.Final.Count - wrong.Count} / {expected.Final.Count} slots right");
            foreach (var w in wrong.Take(10)) Console.WriteLine($"    wrong: {w}");
            return wrong.Count == 0 && measured.Non2xx == 0 ? 0 : 1;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>CPU time (utime + stime, in clock ticks of 10 ms) and working set (VmRSS, VmHWM) of a process, from /proc.</summary>
    private static Probe ProcProbe(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long Kb(string name) => long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return new(0, ticks * 10.0, Kb("VmHWM:"), Kb("VmRSS:"), 0, 0, 0, 0, 0, 0);
    }
}
