using System.Globalization;
using Bridge.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Benchmarks;

/// <summary>
/// The bridge's Kestrel host on 127.0.0.1, wired to the loopback fakes of GitHub, CodePipeline and STS by the same
/// <see cref="LoopbackBridge"/> the tests use, with request recording off and logging cut to warnings so neither
/// dominates the figures.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    // Fake secrets for fake services.
    public const string FunctionKey = "fk-bench-7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
    public const string GitHubToken = "ghp_BENCHTOKEN0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5";
    public const string BaseAccessKeyId = "AKIABENCHEXAMPLE0001";
    public const string BaseSecretAccessKey = "bench/SECRET+key/for/the/bridge/bench0000";
    public const string RoleArn = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";

    private readonly LoopbackBridge _bridge;

    private Rig(LoopbackBridge bridge, string? tableName, LedgerCounter ledger)
    {
        _bridge = bridge;
        TableName = tableName;
        Ledger = ledger;
    }

    /// <summary>The bridge's ledger calls (reads and conditional writes): each is one round trip to Table Storage.</summary>
    public LedgerCounter Ledger { get; }

    public FakeGitHub GitHub => _bridge.GitHub;
    public FakeCodePipeline CodePipeline => _bridge.CodePipeline;
    public FakeSts Sts => _bridge.Sts;
    public WebApplication App => _bridge.App;
    public Uri BridgeAddress => _bridge.Address;
    public string? TableName { get; }

    public static async Task<Rig> StartAsync(BenchOptions o)
    {
        var ledger = new LedgerCounter();
        var options = new LoopbackBridgeOptions
        {
            // Content root = the benchmark's own folder: the default (the current directory, often the repository) would put a
            // recursive file watcher for appsettings.json over the whole tree, and any build running beside the benchmark
            // would then cost it CPU.
            Args = ["--contentRoot", AppContext.BaseDirectory],
            Fakes = new LoopbackServerOptions { RecordRequests = false },
            AccountId = Workload.Account,
            Region = Workload.Region,
            FunctionKey = FunctionKey,
            GitHubToken = GitHubToken,
            RoleArn = RoleArn,
            AwsAccessKeyId = BaseAccessKeyId,
            AwsSecretAccessKey = BaseSecretAccessKey,
            ConfigureHost = builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
                // Count the ledger's round trips: the host's IStatusLedger, whichever it is, wrapped once every service is registered.
                var development = builder.Environment.IsDevelopment();
                builder.Host.UseServiceProviderFactory(new LedgerCountingFactory(ledger,
                    new ServiceProviderOptions { ValidateScopes = development, ValidateOnBuild = development }));
            },
        };
        options.Settings["GitHub:MaxWritesPerMinute"] = o.MaxWritesPerMinute.ToString(CultureInfo.InvariantCulture);
        options.Settings["GitHub:MaxWritesPerHour"] = "2147483647"; // lifted like the minute's
        options.Settings["GitHub:MaxConcurrentWrites"] = o.MaxConcurrentWrites.ToString(CultureInfo.InvariantCulture);
        options.Settings["Logging:LogLevel:Default"] = "Warning";
        if (o.Tables is { } tables)
        {
            // A fresh table per run: rows left by an earlier run (same seed, same commits) would turn every event into a duplicate.
            options.TablesConnectionString = tables;
            options.TableName = "bench" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
        }

        var rig = new Rig(await LoopbackBridge.StartAsync(options), options.TableName, ledger);
        // The fake only reports x-ratelimit-* (it never refuses); keep "remaining" above zero on long runs.
        rig.GitHub.RateLimit = 10_000_000;
        return rig;
    }

    /// <summary>Upstream request counters and the fake GitHub's statuses back to zero (between phases).</summary>
    public void ResetUpstreams()
    {
        GitHub.ClearRequests();
        GitHub.ClearStatuses();
        CodePipeline.ClearRequests();
        Sts.ClearRequests();
        Ledger.Reset();
    }

    public ValueTask DisposeAsync() => _bridge.DisposeAsync();
}
