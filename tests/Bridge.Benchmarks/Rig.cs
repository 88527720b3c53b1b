using System.Globalization;
using Amazon.Runtime;
using Bridge.Adapters.Aws;
using Bridge.Host;
using Bridge.Host.Sandbox;
using Bridge.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Benchmarks;

/// <summary>
/// The bridge's Kestrel host on 127.0.0.1, wired to the loopback fakes of GitHub, CodePipeline and STS the way the
/// test harness wires it, with request recording off and logging cut to warnings so neither dominates the figures.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    // Fake secrets for fake services.
    public const string FunctionKey = "fk-bench-7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
    public const string GitHubToken = "ghp_BENCHTOKEN0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5";
    private const string BaseAccessKeyId = "AKIABENCHEXAMPLE0001";
    private const string BaseSecretAccessKey = "bench/SECRET+key/for/the/bridge/bench0000";
    private const string RoleArn = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";

    private static readonly LoopbackServerOptions Quiet = new() { RecordRequests = false };

    public FakeGitHub GitHub { get; } = new(Quiet);
    public FakeCodePipeline CodePipeline { get; } = new(Quiet, Workload.Account);
    public FakeSts Sts { get; } = new(Quiet, Workload.Account);
    public WebApplication App { get; private set; } = null!;
    public Uri BridgeAddress { get; private set; } = null!;
    public string? TableName { get; private set; }

    public static async Task<Rig> StartAsync(BenchOptions o)
    {
        var rig = new Rig();
        await Task.WhenAll(rig.GitHub.StartAsync(), rig.CodePipeline.StartAsync(), rig.Sts.StartAsync());
        rig.GitHub.AcceptToken(GitHubToken);
        // The fake only reports x-ratelimit-* (it never refuses); keep "remaining" above zero on long runs.
        rig.GitHub.RateLimit = 10_000_000;

        var settings = LoopbackWiring.Settings(rig.GitHub, rig.CodePipeline, rig.Sts, Workload.Region);
        settings["Urls"] = "http://127.0.0.1:0";
        settings["Bridge:FunctionKey"] = FunctionKey;
        settings["GitHub:Token"] = GitHubToken;
        settings["GitHub:MaxWritesPerMinute"] = o.MaxWritesPerMinute.ToString(CultureInfo.InvariantCulture);
        settings["GitHub:MaxConcurrentWrites"] = o.MaxConcurrentWrites.ToString(CultureInfo.InvariantCulture);
        settings["Aws:RoleArn"] = RoleArn;
        settings["Logging:LogLevel:Default"] = "Warning";
        if (o.Tables is { } tables)
        {
            // A fresh table per run: rows left by an earlier run (same seed, same commits) would turn every event into a duplicate.
            rig.TableName = "bench" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
            settings["Ledger:ConnectionString"] = tables;
            settings["Ledger:TableName"] = rig.TableName;
        }

        // Content root = the benchmark's own folder: the default (the current directory, often the repository) would put a
        // recursive file watcher for appsettings.json over the whole tree, and any build running beside the benchmark
        // would then cost it CPU.
        rig.App = BridgeApp.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
            builder.Services.AddSingleton(new AwsBaseCredentials(() => new BasicAWSCredentials(BaseAccessKeyId, BaseSecretAccessKey)));
        });
        await rig.App.StartAsync();
        var address = rig.App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        rig.BridgeAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return rig;
    }

    /// <summary>Upstream request counters and the fake GitHub's statuses back to zero (between phases).</summary>
    public void ResetUpstreams()
    {
        GitHub.ClearRequests();
        GitHub.ClearStatuses();
        CodePipeline.ClearRequests();
        Sts.ClearRequests();
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        await GitHub.DisposeAsync();
        await CodePipeline.DisposeAsync();
        await Sts.DisposeAsync();
    }
}
