using System.Net;
using Bridge.Adapters.Repair;
using Bridge.Core.Repair;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Repair;

/// <summary>
/// A bridge on loopback whose every clock is one fake clock, so "20 minutes later" is a step of the test: advancing the
/// clock by Repair:Interval makes the host's repair service sweep, and the test waits for that sweep's report.
/// </summary>
internal sealed class RepairRig : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>A real-time bound on waiting for a sweep: a safety net, never how long a test takes.</summary>
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(30);

    private RepairRig(BridgeHarness harness, FakeTimeProvider clock) => (Harness, Clock) = (harness, clock);

    public BridgeHarness Harness { get; }
    public FakeTimeProvider Clock { get; }
    public RepairRunner Runner => Harness.App.Services.GetRequiredService<RepairRunner>();

    /// <summary>A clock at a whole second (event times have seconds only), shared by the bridge and its fakes.</summary>
    public static FakeTimeProvider NewClock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public static async Task<RepairRig> StartAsync(FakeTimeProvider clock, Action<HarnessOptions>? configure = null)
    {
        var harness = await BridgeHarness.StartAsync(o =>
        {
            o.ShareClock(clock);
            o.Settings["Repair:Enabled"] = "true";
            configure?.Invoke(o);
        });
        return new RepairRig(harness, clock);
    }

    /// <summary>Seeds an execution at the fake CodePipeline (or changes its status) with one GitHub commit per sha.</summary>
    public void Execution(string pipeline, string executionId, string status, params string[] shas) =>
        Harness.CodePipeline.AddExecution(new SeededExecution(pipeline, executionId, status,
            [.. shas.Select((sha, i) => SeededRevision.GitHubV1("octo-org", pipeline, sha, name: $"Source{i}"))]));

    /// <summary>
    /// An execution that started (its STARTED delivered, so its commits show pending) and then ended with
    /// <paramref name="endedStatus"/>, its terminal event lost. Returns when it started.
    /// </summary>
    public async Task<DateTimeOffset> LostTerminalEventAsync(string pipeline, string executionId, string endedStatus, params string[] shas)
    {
        var started = Clock.GetUtcNow();
        Execution(pipeline, executionId, PipelineExecutionStatus.InProgress, shas);
        await StartedAsync(pipeline, executionId);
        Execution(pipeline, executionId, endedStatus, shas);
        return started;
    }

    /// <summary>Delivers STARTED at the clock's time, as EventBridge would; the one event these tests deliver.</summary>
    public async Task StartedAsync(string pipeline, string executionId, System.Text.Json.Nodes.JsonObject? trigger = null)
    {
        using var response = await Harness.PostAsync(TestEvents.Pipeline("STARTED", pipeline, executionId, time: Clock.GetUtcNow(), trigger: trigger));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GetPipelineExecution calls the fake received for this execution since its requests were last cleared.</summary>
    public int Calls(string executionId) => Harness.CodePipeline.Requests.Count(r => r.Body.Contains($"\"{executionId}\"", StringComparison.Ordinal));

    /// <summary>Advances the clock by one interval and returns the report of the sweep each rig's host ran for it.</summary>
    public static async Task<RepairReport[]> SweepAsync(FakeTimeProvider clock, params RepairRig[] rigs)
    {
        var due = clock.GetUtcNow() + Interval;
        var waits = rigs.Select(r => r.NextSweep(due)).ToArray();
        clock.Advance(Interval);
        return await Task.WhenAll(waits).WaitAsync(SweepTimeout);
    }

    public async Task<RepairReport> SweepAsync() => (await SweepAsync(Clock, this))[0];

    /// <summary>The report of the first sweep that runs at or after <paramref name="due"/>.</summary>
    private Task<RepairReport> NextSweep(DateTimeOffset due)
    {
        var swept = new TaskCompletionSource<RepairReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwept(RepairReport report)
        {
            if (report.At < due) return;
            Runner.Swept -= OnSwept;
            swept.TrySetResult(report);
        }
        Runner.Swept += OnSwept;
        return swept.Task;
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
