using System.Diagnostics.Tracing;

namespace Bridge.Benchmarks;

/// <summary>
/// Where the allocations go, by type (<c>--alloc-profile</c>): the runtime's GCAllocationTick events, one about every
/// 100 KB allocated, each naming the type of the object that crossed the threshold and the bytes since the last tick.
/// Summed per type over a phase, that is a sampled breakdown of the whole process's allocations (bridge, fakes and
/// load client alike). It costs a little CPU, so leave it off when measuring time.
/// </summary>
internal sealed class AllocationProfile : EventListener
{
    private const int GCAllocationTick = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, (long Bytes, int Ticks)> _byType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    private readonly Dictionary<string, int> _exceptions = new(StringComparer.Ordinal);

    public AllocationProfile() => AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
    {
        if (!_recording) return;
        var where = e.Exception.TargetSite is { } site ? $"{site.DeclaringType?.FullName}.{site.Name}" : "?";
        var key = $"{e.Exception.GetType().Name} in {where}: {e.Exception.Message}";
        lock (_exceptions) _exceptions[key] = _exceptions.GetValueOrDefault(key) + 1;
    };

    /// <summary>Exceptions thrown (caught or not) while recording, by type, throwing method and message; cleared by <see cref="Start"/>.</summary>
    private IReadOnlyList<(string Exception, int Count)> Exceptions()
    {
        lock (_exceptions) return [.. _exceptions.Select(kv => (kv.Key, kv.Value)).OrderByDescending(x => x.Value)];
    }

    public void Start()
    {
        lock (_byType) _byType.Clear();
        lock (_exceptions) _exceptions.Clear();
        _recording = true;
    }

    /// <summary>What one phase allocated, by type, and the exceptions it threw.</summary>
    public sealed record Snapshot(IReadOnlyList<(string Type, long Bytes, int Ticks)> Types, IReadOnlyList<(string Exception, int Count)> Exceptions);

    public Snapshot Stop()
    {
        _recording = false;
        lock (_byType) return new([.. _byType.Select(kv => (kv.Key, kv.Value.Bytes, kv.Value.Ticks)).OrderByDescending(x => x.Bytes)], Exceptions());
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventId != GCAllocationTick || e.Payload is not { } payload || e.PayloadNames is not { } names) return;
        var type = "?";
        long amount = 0;
        for (var i = 0; i < names.Count; i++)
        {
            switch (names[i])
            {
                case "TypeName": type = payload[i] as string ?? "?"; break;
                case "AllocationAmount64": amount = Convert.ToInt64(payload[i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "AllocationAmount" when amount == 0: amount = Convert.ToInt64(payload[i], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        lock (_byType)
        {
            var seen = _byType.GetValueOrDefault(type);
            _byType[type] = (seen.Bytes + amount, seen.Ticks + 1);
        }
    }

    /// <summary>The top types of a phase, in KB per event.</summary>
    public static void Print(TextWriter w, string phase, Snapshot snapshot, int events, long measuredBytes, int top = 30)
    {
        var types = snapshot.Types;
        foreach (var (exception, count) in snapshot.Exceptions.Take(5))
            w.WriteLine($"  exceptions, {phase}: {count} × {(exception.Length > 200 ? exception[..200] + "…" : exception)}");
        var sampled = types.Sum(t => t.Bytes);
        w.WriteLine($"  allocation profile, {phase}: {sampled / 1024.0 / Math.Max(1, events):N1} KB per event sampled ({measuredBytes / 1024.0 / Math.Max(1, events):N1} KB measured), top types:");
        foreach (var (type, bytes, ticks) in types.Take(top))
            w.WriteLine($"    {bytes / 1024.0 / Math.Max(1, events),7:N2} KB/event {100.0 * bytes / Math.Max(1, sampled),5:N1} %  {ticks,6} ticks  {type}");
    }
}
