using System.Diagnostics;
using System.Globalization;
using System.Runtime;

/// <summary>
/// Loaded into the published host by <c>DOTNET_STARTUP_HOOKS</c> (a runtime feature, nothing in the product) when the
/// benchmark runs the bridge as its own process (<c>--process</c>): on a line "probe" on standard input it prints the
/// process's own figures on standard output, so the day can be measured for the bridge alone, without the fakes and the
/// load generator that share the benchmark's process. Must stay in the global namespace and touch nothing else.
/// </summary>
internal static class StartupHook
{
    public const string Prefix = "bench-probe ";

    public static void Initialize()
    {
        var reader = new Thread(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line != "probe") continue;
                using var self = Process.GetCurrentProcess();
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Prefix}{GC.GetTotalAllocatedBytes(precise: true)} {self.TotalProcessorTime.TotalMilliseconds} {self.PeakWorkingSet64} {self.WorkingSet64} {JitInfo.GetCompiledMethodCount()} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetGCMemoryInfo().TotalCommittedBytes} {GC.GetGCMemoryInfo().HeapSizeBytes}"));
                Console.Out.Flush();
            }
        })
        { IsBackground = true, Name = "bench-probe" };
        reader.Start();
    }
}
