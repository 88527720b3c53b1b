namespace Bridge.Benchmarks;

/// <summary>
/// Brings the process to the steady state a long-running host is in before anything is measured (BENCHMARKS.md,
/// Settle). The tiered JIT recompiles hot code in the background only once no new method has been compiled for 100 ms,
/// and with dynamic PGO it does so twice (an instrumented version, then the final one); unbroken load never leaves it
/// that pause. So: a pause, then a small round of fresh executions, until two windows in a row compile (almost) nothing.
/// A window is the pause and its round together, so what the JIT finishes during a pause counts too. Rounds are small,
/// so the bridge holds little more state than the warm-up left (its ledger keeps a row per status slot).
/// </summary>
internal static class Settle
{
    public const int Executions = 100;
    public const int Repos = 10;
    public const long QuietMethods = 2;
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    /// <param name="compiled">The JIT's count of compiled methods in the process measured.</param>
    /// <param name="round">Runs round <c>i</c>'s fresh executions (seeded first).</param>
    /// <returns>Methods compiled in each window.</returns>
    public static async Task<List<long>> RunAsync(int maxRounds, Func<Task<long>> compiled, Func<int, Task> round)
    {
        var windows = new List<long>();
        for (var i = 0; i < maxRounds; i++)
        {
            var before = await compiled();
            await Task.Delay(Pause);
            await round(i);
            windows.Add(await compiled() - before);
            if (windows.Count >= 2 && windows[^1] <= QuietMethods && windows[^2] <= QuietMethods) break;
        }
        return windows;
    }

    /// <summary>Round <paramref name="i"/>'s executions: new repositories and commits, a seed of their own.</summary>
    public static Workload Round(int i, BenchOptions o) => Workload.Generate($"settle{i}", Executions, Repos, o.Seed + 100 + i, o);
}
