using System.Text;
using Bridge.Core.Handling;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Delivery;

/// <summary>
/// At-least-once, unordered delivery: whatever order the events of a commit's executions arrive in, and however often,
/// GitHub ends on the status of the newest execution's last state, and never receives the same status twice in a row.
/// Runs through the handler with the Table Storage ledger on Azurite and the GitHub fake on loopback.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeliveryOrderPropertyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Any_delivery_order_ends_on_the_newest_executions_last_state()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.TablesConnectionString = azurite.ConnectionString;
            o.TableName = azurite.NewTableName();
        });
        var handler = h.App.Services.GetRequiredService<PipelineEventHandler>();
        var cases = 0;
        var deliveries = 0;

        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var history = History.Generate(new Random(seed), Interlocked.Increment(ref cases));
            foreach (var d in history.Events)
            {
                var result = handler.HandleAsync(Encoding.UTF8.GetBytes(d.Event.ToJsonString()), CancellationToken.None).GetAwaiter().GetResult();
                deliveries++;
                if (result.StatusCode != 200) return false.Label($"seed {seed}: {d.State} of {d.ExecutionId} answered {result.StatusCode} {result.Detail}");
            }
            var shown = h.GitHub.Latest(history.Repository, history.Sha, history.Context);
            var posted = h.GitHub.For(history.Repository, history.Sha, history.Context);
            var repeated = posted.Zip(posted.Skip(1)).Any(p => (p.First.State, p.First.Description, p.First.TargetUrl) == (p.Second.State, p.Second.Description, p.Second.TargetUrl));
            var right = shown is not null
                && shown.State == CommitStatus.Wire(history.ExpectedState)
                && shown.Description == history.ExpectedDescription
                && shown.TargetUrl!.Contains(history.NewestExecutionId, StringComparison.Ordinal);
            return (right && !repeated).Label(
                $"seed {seed}: expected {history.ExpectedState} '{history.ExpectedDescription}' of {history.NewestExecutionId}, GitHub shows {shown}; posted: {string.Join(" | ", posted)}; order: {string.Join(", ", history.Events.Select(e => $"{e.ExecutionId[^2..]}:{e.State}"))}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), property);

        Assert.Equal(1000, cases);
        Assert.True(deliveries > 3000, $"{deliveries} deliveries");
    }
}
