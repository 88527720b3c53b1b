using System.Diagnostics;
using System.Net;
using System.Runtime;

namespace Bridge.Benchmarks;

/// <summary>Latency distribution of one phase, in milliseconds (nearest-rank percentiles).</summary>
internal sealed record Latency(double P50, double P90, double P99, double Max, double Mean)
{
    public static Latency Of(long[] ticks)
    {
        if (ticks.Length == 0) return new Latency(0, 0, 0, 0, 0);
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double P(double p) => Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new Latency(P(0.50), P(0.90), P(0.99), Ms(sorted[^1]), sorted.Average(t => Ms(t)));
    }
}

/// <summary>What one phase measured: client-side latency, answers, and the process's CPU, allocations and GCs over it.</summary>
internal sealed record PhaseResult(
    string Name, int Requests, TimeSpan Wall, Latency Latency, IReadOnlyDictionary<int, int> StatusCodes, int Failures,
    TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, long PeakWorkingSet, long PeakManagedHeap, double? OtherCores,
    long JitMethods, TimeSpan JitTime)
{
    /// <summary>Cores this process kept busy on average over the phase.</summary>
    public double OwnCores => Cpu.TotalSeconds / Wall.TotalSeconds;

    public double PerSecond => Requests / Wall.TotalSeconds;
    public int Non2xx => StatusCodes.Where(kv => kv.Key is < 200 or >= 300).Sum(kv => kv.Value) + Failures;
    public double CpuMsPerRequest => Cpu.TotalMilliseconds / Math.Max(1, Requests);
    public double AllocKbPerRequest => AllocatedBytes / 1024.0 / Math.Max(1, Requests);
}

/// <summary>
/// Sends requests with a fixed number in flight: each worker takes the next request in order as soon as its previous
/// one is answered, so the send order is the workload's order up to the concurrency window.
/// </summary>
internal static class Load
{
    public static Task<PhaseResult> RunAsync(string name, HttpClient client, int count, int concurrency, Func<int, HttpRequestMessage> request) =>
        RunAsync(name, count, concurrency, async i =>
        {
            using var message = request(i);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            return (int)response.StatusCode;
        });

    /// <summary>Runs <paramref name="operation"/> (which answers an HTTP-like status code) <paramref name="count"/> times, <paramref name="concurrency"/> at once.</summary>
    public static async Task<PhaseResult> RunAsync(string name, int count, int concurrency, Func<int, Task<int>> operation)
    {
        var latencies = new long[count];
        var codes = new int[count];
        var failures = 0;
        var next = -1;

        using var meter = new PhaseMeter();

        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    codes[i] = await operation(i).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetTimestamp() - start;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Bridge.Core.Handling.UpstreamException)
                {
                    latencies[i] = Stopwatch.GetTimestamp() - start;
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        return meter.Finish(name, count, latencies, codes, failures);
    }

    /// <summary>
    /// Open loop: request i is due at start + i / <paramref name="rate"/>, whether or not earlier ones were answered, as
    /// EventBridge delivers. Nothing waits for an answer before sending the next request, so a slow answer cannot hold
    /// back the requests behind it (no coordinated omission); latency runs from the actual send.
    /// </summary>
    public static async Task<PhaseResult> RunAtRateAsync(string name, HttpClient client, int count, double rate, Func<int, HttpRequestMessage> request)
    {
        var latencies = new long[count];
        var codes = new int[count];
        var failures = 0;
        var tasks = new Task[count];

        using var meter = new PhaseMeter();
        var origin = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;

        async Task SendAsync(int i, long sent)
        {
            try
            {
                using var message = request(i);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                codes[i] = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
            latencies[i] = Stopwatch.GetTimestamp() - sent;
        }

        for (var i = 0; i < count; i++)
        {
            var due = origin + (long)(i * ticksPerRequest);
            var wait = due - Stopwatch.GetTimestamp();
            // Timers tick in about a millisecond: requests due within the same tick go out together (no spinning, which would eat a core).
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            tasks[i] = SendAsync(i, Stopwatch.GetTimestamp());
        }
        await Task.WhenAll(tasks);

        return meter.Finish(name, count, latencies, codes, failures);
    }

    public static HttpClient CreateClient(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };
}

/// <summary>Samples the working set and the managed heap every 20 ms during a phase (peaks between GCs are otherwise invisible).</summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly Timer _timer;
    private long _peakWorkingSet;
    private long _peakHeap;

    public ResourceSampler()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
    }

    private void Sample()
    {
        var ws = Environment.WorkingSet;
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        InterlockedMax(ref _peakWorkingSet, ws);
        InterlockedMax(ref _peakHeap, heap);
    }

    public (long WorkingSet, long Heap) Stop()
    {
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        Sample();
        return (Interlocked.Read(ref _peakWorkingSet), Interlocked.Read(ref _peakHeap));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>
/// CPU time of the whole machine from /proc/stat (Linux): the benchmark shares its cores with whatever else runs, and
/// a figure taken while another process was busy says so in the report.
/// </summary>
internal static class MachineCpu
{
    private const double TicksPerSecond = 100; // USER_HZ

    /// <summary>Busy CPU seconds of all cores since boot, or null where /proc/stat is not available.</summary>
    public static double? BusySeconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Cores kept busy by other processes over <paramref name="window"/> (null where unknown).</summary>
    public static async Task<double?> OtherCoresAsync(TimeSpan window)
    {
        var own = Process.GetCurrentProcess().TotalProcessorTime;
        var before = BusySeconds();
        await Task.Delay(window);
        var after = BusySeconds();
        var ownUsed = (Process.GetCurrentProcess().TotalProcessorTime - own).TotalSeconds;
        return before is { } b && after is { } a ? Math.Max(0, (a - b - ownUsed) / window.TotalSeconds) : null;
    }

    /// <summary>Waits (at most <paramref name="limit"/>) for a second in which other processes use less than 0.1 core.</summary>
    public static async Task<(bool Idle, TimeSpan Waited)> WaitForIdleAsync(TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (await OtherCoresAsync(TimeSpan.FromSeconds(1)) is not { } others || others < 0.1) return (true, waited.Elapsed);
        }
        return (false, waited.Elapsed);
    }
}

/// <summary>What a phase used: wall time, this process's CPU, other processes' CPU, allocations, GCs and peak memory.</summary>
internal sealed class PhaseMeter : IDisposable
{
    private readonly ResourceSampler _sampler = new();
    private readonly (int Gen0, int Gen1, int Gen2) _gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: true);
    private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly double? _machine = MachineCpu.BusySeconds();
    private readonly long _jitMethods = JitInfo.GetCompiledMethodCount();
    private readonly TimeSpan _jitTime = JitInfo.GetCompilationTime();
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public PhaseResult Finish(string name, int count, long[] latencies, int[] codes, int failures)
    {
        _wall.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
        var machineUsed = MachineCpu.BusySeconds() - _machine;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        var (peakWs, peakHeap) = _sampler.Stop();
        return new PhaseResult(name, count, _wall.Elapsed, Latency.Of(latencies),
            codes.Where(c => c != 0).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count()), failures,
            cpuUsed, bytes, GC.CollectionCount(0) - _gcs.Gen0, GC.CollectionCount(1) - _gcs.Gen1, GC.CollectionCount(2) - _gcs.Gen2, peakWs, peakHeap,
            machineUsed is { } m ? Math.Max(0, (m - cpuUsed.TotalSeconds) / _wall.Elapsed.TotalSeconds) : null,
            JitInfo.GetCompiledMethodCount() - _jitMethods, JitInfo.GetCompilationTime() - _jitTime);
    }

    public void Dispose() => _sampler.Dispose();
}
