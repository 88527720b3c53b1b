using System.Globalization;

namespace Bridge.Benchmarks;

/// <summary>Command-line parameters of a benchmark run. Every default is the "realistic day" of the brief.</summary>
internal sealed class BenchOptions
{
    public int Executions { get; private set; } = 500;
    public int Repos { get; private set; } = 50;
    public int WarmupExecutions { get; private set; } = 2000;
    public int SettleRounds { get; private set; } = 40;
    public int Concurrency { get; private set; } = 16;
    public int Connections { get; private set; } = 32;
    public int Seed { get; private set; } = 20261126;
    public double DuplicateRate { get; private set; } = 0.05;
    public double LateRate { get; private set; } = 0.05;
    public double TriggerShare { get; private set; } = 0.5;
    public double RerunShare { get; private set; } = 0.2;
    public int MaxConcurrentWrites { get; private set; } = 64;
    public int MaxWritesPerMinute { get; private set; } = 100_000;
    public string? Tables { get; private set; }
    public string? JsonPath { get; private set; }
    public bool Replay { get; private set; } = true;
    public bool Baselines { get; private set; } = true;
    public bool Help { get; private set; }
    public bool AllocProfile { get; private set; }
    public int WaitIdleSeconds { get; private set; }
    public double Rate { get; private set; }
    public int ColdStarts { get; private set; }
    public string? PublishDir { get; private set; }
    public string FirstEvent { get; private set; } = "02-web-app.github-v1.succeeded.json";
    public int WorkerColdStarts { get; private set; }
    public string? ProcessDir { get; private set; }
    public Dictionary<string, string> ChildEnvironment { get; } = new(StringComparer.Ordinal);

    public const string Usage = """
        Bridge benchmark: a day of CodePipeline events through the Kestrel host, against loopback fakes.

          dotnet run -c Release --project tests/Bridge.Benchmarks -- [options]

          --executions N      executions in the measured day (default 500)
          --repos N           repositories, one pipeline each (default 50)
          --warmup N          executions of the warm-up pass, on other repositories (default 2000; 0 = none)
          --settle N          after the warm-up, at most N rounds of 100 executions with a 300 ms pause before each, until
                              two rounds in a row (with their pauses) JIT-compile ≤ 2 methods each: the steady state of a
                              long-running host (default 40; 0 = none)
          --concurrency N     requests in flight from the client (default 16)
          --connections N     client MaxConnectionsPerServer (default 32)
          --seed N            seed of the workload generator (default 20261126)
          --duplicates F      share of events delivered twice (default 0.05)
          --late F            share of executions whose STARTED arrives after its terminal event (default 0.05)
          --trigger-share F   share of executions carrying a V2 execution-trigger with the commit (default 0.5)
          --rerun-share F     share of executions re-running an earlier commit of the same repo (default 0.2)
          --max-writes N      GitHub:MaxConcurrentWrites (default 64; production default 8)
          --writes-per-min N  GitHub:MaxWritesPerMinute (default 100000, the option's maximum; production default 80)
          --tables CS         Table Storage connection string for the ledger (Azurite); default: in-memory ledger
          --json PATH         also write the figures as JSON
          --no-replay         skip the replay phase (every event sent again: all duplicates)
          --no-baselines      skip the baselines (direct POSTs to the GitHub fake, GET /api/health)
          --rate R            also run a second day (other repositories) open-loop at R events/s: latency without queueing in the client
          --wait-idle S       before the measured phase, wait up to S seconds for the machine to be idle (default 0)
          --alloc-profile     also print the measured day's and the replay's allocations by type (sampled GC allocation
                              ticks, whole process; costs some CPU, so not for timing runs)

        The bridge in its own process: the day (same options) against the published host started as a child process,
        its own CPU, allocations and peak working set read inside it (a startup hook), the fakes and the client left out.

          --process DIR       the dotnet publish output of src/Bridge.Host; --env K=V applies to the child too

        Cold start (instead of the day): the published host started N times as a child process against the fakes.

          --cold-start N      launches per measurement (each round: one launch answering a sample event first, one
                              answering GET /api/health first); prints median/min/max from process start
          --publish DIR       the dotnet publish output of src/Bridge.Host (required with --cold-start)
          --first-event FILE  the sample under samples/ sent first (default 02-web-app.github-v1.succeeded.json: STS,
                              CodePipeline and GitHub; 05-worker.v2-trigger.failed.json needs GitHub only)
          --env K=V           an environment variable for the child (repeatable), e.g. --env DOTNET_TieredPGO=0

        Cold start of the Functions worker: the published Bridge.Functions started N times under the tests' stand-in
        Functions host (gRPC worker protocol), from process start to the first event answered through the host.

          --worker-cold-start N  launches; with --publish DIR = the dotnet publish output of src/Bridge.Functions
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(int min) => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new ArgumentException($"{name} needs an integer ≥ {min}.");
            double Share() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
                ? v : throw new ArgumentException($"{name} needs a number between 0 and 1.");
            switch (name)
            {
                case "--executions": o.Executions = Int(1); break;
                case "--repos": o.Repos = Int(1); break;
                case "--warmup": o.WarmupExecutions = Int(0); break;
                case "--settle": o.SettleRounds = Int(0); break;
                case "--concurrency": o.Concurrency = Int(1); break;
                case "--connections": o.Connections = Int(1); break;
                case "--seed": o.Seed = Int(0); break;
                case "--duplicates": o.DuplicateRate = Share(); break;
                case "--late": o.LateRate = Share(); break;
                case "--trigger-share": o.TriggerShare = Share(); break;
                case "--rerun-share": o.RerunShare = Share(); break;
                case "--max-writes": o.MaxConcurrentWrites = Int(1); break;
                case "--writes-per-min": o.MaxWritesPerMinute = Int(1); break;
                case "--tables": o.Tables = Next(); break;
                case "--json": o.JsonPath = Next(); break;
                case "--no-replay": o.Replay = false; break;
                case "--no-baselines": o.Baselines = false; break;
                case "--wait-idle": o.WaitIdleSeconds = Int(0); break;
                case "--rate": o.Rate = Int(1); break;
                case "--alloc-profile": o.AllocProfile = true; break;
                case "--cold-start": o.ColdStarts = Int(1); break;
                case "--worker-cold-start": o.WorkerColdStarts = Int(1); break;
                case "--publish": o.PublishDir = Next(); break;
                case "--first-event": o.FirstEvent = Next(); break;
                case "--process": o.ProcessDir = Next(); break;
                case "--env":
                    var pair = Next();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0) throw new ArgumentException("--env needs KEY=VALUE.");
                    o.ChildEnvironment[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "-h" or "--help": o.Help = true; break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }
        return o;
    }

    /// <summary>The command line that reproduces this run (for the report).</summary>
    public string CommandLine()
    {
        var parts = new List<string>
        {
            "dotnet run -c Release --project tests/Bridge.Benchmarks --",
            $"--executions {Executions}", $"--repos {Repos}", $"--concurrency {Concurrency}",
        };
        if (WarmupExecutions != 2000) parts.Add($"--warmup {WarmupExecutions}");
        if (SettleRounds != 40) parts.Add($"--settle {SettleRounds}");
        if (Connections != 32) parts.Add($"--connections {Connections}");
        if (Seed != 20261126) parts.Add($"--seed {Seed}");
        if (Rate > 0) parts.Add($"--rate {Rate}");
        if (MaxConcurrentWrites != 64) parts.Add($"--max-writes {MaxConcurrentWrites}");
        if (MaxWritesPerMinute != 100_000) parts.Add($"--writes-per-min {MaxWritesPerMinute}");
        if (DuplicateRate != 0.05) parts.Add($"--duplicates {DuplicateRate}");
        if (LateRate != 0.05) parts.Add($"--late {LateRate}");
        if (TriggerShare != 0.5) parts.Add($"--trigger-share {TriggerShare}");
        if (RerunShare != 0.2) parts.Add($"--rerun-share {RerunShare}");
        if (WaitIdleSeconds > 0) parts.Add($"--wait-idle {WaitIdleSeconds}");
        if (Tables is not null) parts.Add("--tables \"<connection string>\"");
        if (AllocProfile) parts.Add("--alloc-profile");
        return string.Join(' ', parts);
    }
}
