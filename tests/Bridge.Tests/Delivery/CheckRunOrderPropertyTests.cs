using System.Security.Cryptography;
using System.Text;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Delivery;

/// <summary>
/// Checks mode under at-least-once, unordered delivery: whatever order the events of a commit's executions arrive in,
/// and however often, the newest execution has exactly one check run and it ends in that execution's last state.
/// </summary>
public sealed class CheckRunOrderPropertyTests
{
    [Fact]
    public async Task Any_delivery_order_ends_with_one_run_per_execution_in_its_last_state()
    {
        using var key = RSA.Create(2048);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.Settings["GitHub:Token"] = null;
            o.Settings["GitHub:AppId"] = "424242";
            o.Settings["GitHub:AppPrivateKey"] = key.ExportRSAPrivateKeyPem();
            o.Settings["GitHub:Mode"] = "Checks";
        });
        h.GitHub.RegisterApp(424242, key);
        h.GitHub.AddInstallation(9001, "octo-org", new Dictionary<string, string> { ["checks"] = "write", ["metadata"] = "read" });
        var handler = h.App.Services.GetRequiredService<PipelineEventHandler>();
        var cases = 0;

        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var history = History.Generate(new Random(seed), Interlocked.Increment(ref cases));
            foreach (var d in history.Events)
            {
                var result = handler.HandleAsync(Encoding.UTF8.GetBytes(d.Event.ToJsonString()), CancellationToken.None).GetAwaiter().GetResult();
                if (result.StatusCode != 200) return false.Label($"seed {seed}: {d.State} of {d.ExecutionId} answered {result.StatusCode} {result.Detail}");
            }
            var runs = h.GitHub.CheckRunsFor(history.Repository, history.Sha);
            var newest = runs.Where(r => r.ExternalId!.EndsWith(history.NewestExecutionId, StringComparison.Ordinal)).ToList();
            var last = history.Events.Where(e => e.ExecutionId == history.NewestExecutionId && CheckRunComposer.Map(e.State) is not null)
                .OrderBy(e => (string)e.Event["time"]!, StringComparer.Ordinal).Last().State;
            var expected = CheckRunComposer.Map(last)!.Value;
            var onePerExecution = runs.GroupBy(r => r.ExternalId).All(g => g.Count() == 1);
            return (newest.Count == 1 && (newest[0].Status, newest[0].Conclusion) == expected && onePerExecution).Label(
                $"seed {seed}: expected {expected} on one run of {history.NewestExecutionId}; runs: {string.Join(" | ", runs.Select(r => $"{r.ExternalId}:{r.Status}/{r.Conclusion}"))}; order: {string.Join(", ", history.Events.Select(e => $"{e.ExecutionId[^2..]}:{e.State}"))}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);

        Assert.Equal(300, cases);
    }
}
