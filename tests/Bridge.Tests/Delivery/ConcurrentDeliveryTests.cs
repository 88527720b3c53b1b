using System.Net;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

/// <summary>
/// The same events delivered 16 at a time to two bridge instances sharing one Table Storage ledger (Azurite) and one
/// GitHub: every commit still ends on the right status. A 503 is redelivered, as EventBridge would.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrentDeliveryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Parallel_deliveries_to_two_instances_end_on_the_right_status()
    {
        var table = azurite.NewTableName();
        await using var a = await BridgeHarness.StartAsync(o => { o.TablesConnectionString = azurite.ConnectionString; o.TableName = table; });
        await using var b = await BridgeHarness.StartAsync(o =>
        {
            o.TablesConnectionString = azurite.ConnectionString;
            o.TableName = table;
            o.Settings["GitHub:ApiBaseUrl"] = a.GitHub.ApiAddress.ToString(); // one GitHub for both instances
        });
        var rng = new Random(20261126);
        var histories = Enumerable.Range(1, 24).Select(i => History.Generate(rng, 50_000 + i, duplicateRate: 0.5)).ToList();
        var deliveries = histories.SelectMany(h => h.Events).OrderBy(_ => rng.Next()).ToList();
        var redelivered = 0;

        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(deliveries.Select(async (d, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var bridge = i % 2 == 0 ? a : b;
                for (var attempt = 0; ; attempt++)
                {
                    var response = await bridge.PostAsync(d.Event);
                    if (response.StatusCode == HttpStatusCode.OK) break;
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    Interlocked.Increment(ref redelivered);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        foreach (var h in histories)
        {
            var shown = a.GitHub.Latest(h.Repository, h.Sha, h.Context);
            Assert.True(shown is not null && shown.State == CommitStatus.Wire(h.ExpectedState) && shown.Description == h.ExpectedDescription
                && shown.TargetUrl!.Contains(h.NewestExecutionId, StringComparison.Ordinal),
                $"{h.Sha}: expected {h.ExpectedState} of {h.NewestExecutionId}, GitHub shows {shown}; redelivered {redelivered}");
        }
        Assert.Equal(0, b.GitHub.RequestCount);
        Assert.True(deliveries.Count > 100, $"{deliveries.Count} deliveries");
    }
}
