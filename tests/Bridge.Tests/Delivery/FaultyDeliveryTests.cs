using System.Net;
using Bridge.Adapters.GitHub;
using Bridge.Core.Statuses;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Delivery;

/// <summary>
/// Every upstream misbehaves at random while events arrive. Each refused event must get a retryable answer (429/503,
/// never a 2xx that dropped a status); once the faults stop, redelivering the refused events (as EventBridge does)
/// leaves every commit on the right status. Counted: events in, statuses expected, statuses seen.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FaultyDeliveryTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Func<Fault>[] GitHubFaults =
    [
        () => FakeGitHub.ServerError(500), () => FakeGitHub.ServerError(502), () => FakeGitHub.ServerError(503),
        () => FakeGitHub.RateLimit429(30), () => FakeGitHub.SecondaryRateLimit403(), () => FakeGitHub.SecondaryRateLimit403(45),
        () => FakeGitHub.PrimaryRateLimit403(DateTimeOffset.UtcNow.AddMinutes(2)), () => Fault.ConnectionReset,
    ];

    [Fact]
    public async Task Nothing_is_lost_when_every_upstream_fails_now_and_then()
    {
        // The rate gate's clock is fake, so "after GitHub's Retry-After has passed" is a step of the test, not a wait.
        var gateClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.TablesConnectionString = azurite.ConnectionString;
            o.TableName = azurite.NewTableName();
            o.Settings["GitHub:TokenCacheTtl"] = "00:00:00"; // read Key Vault on every event, so its outages matter
            o.Services = s => s.AddSingleton(new GitHubRateGate(gateClock, 8, 100_000));
        });
        var rng = new Random(4242);
        var histories = Enumerable.Range(1, 14).Select(i => History.Generate(rng, 70_000 + i, duplicateRate: 0.1, useTrigger: i % 2 == 0)).ToList();
        foreach (var history in histories.Where((_, i) => i % 2 == 0))
            foreach (var execution in history.ExecutionIds)
                h.CodePipeline.AddExecution(history.Pipeline, execution, "InProgress", SeededRevision.GitHubV1("octo-org", "prop", history.Sha));
        var deliveries = histories.SelectMany(x => x.Events).OrderBy(_ => rng.Next()).ToList();

        var refused = new List<Bridge.Tests.Support.Delivery>();
        var faulted = 0;
        foreach (var d in deliveries)
        {
            if (rng.NextDouble() < 0.45)
            {
                faulted++;
                switch (rng.Next(10))
                {
                    case < 6: h.GitHub.EnqueueFaults(4, GitHubFaults[rng.Next(GitHubFaults.Length)]()); break;
                    case 6: h.GitHub.EnqueueFault(Fault.Delay(TimeSpan.FromSeconds(2))); break;
                    case 7: h.CodePipeline.EnqueueFaults(3, FakeCodePipeline.Throttling()); break;
                    case 8: h.Sts.SetFault(FakeSts.Throttling()); break;
                    default: h.KeyVault.SetFault(FakeKeyVault.ServiceUnavailable()); break;
                }
            }
            var response = await h.PostAsync(d.Event);
            foreach (var upstream in h.Upstreams) upstream.ClearFaults();
            gateClock.Advance(TimeSpan.FromMinutes(3)); // events arrive minutes apart: one rate limit must not refuse all the rest
            if (response.StatusCode == HttpStatusCode.OK) continue;
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests,
                $"{d.State} of {d.ExecutionId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(response.Headers.RetryAfter);
            refused.Add(d);
        }

        var pending = refused;
        for (var round = 0; round < 3 && pending.Count > 0; round++)
        {
            var again = new List<Bridge.Tests.Support.Delivery>();
            foreach (var d in pending)
                if ((await h.PostAsync(d.Event)).StatusCode != HttpStatusCode.OK) again.Add(d);
            pending = again;
        }

        var right = histories.Count(x =>
            h.GitHub.Latest(x.Repository, x.Sha, x.Context) is { } shown && shown.State == CommitStatus.Wire(x.ExpectedState)
            && shown.Description == x.ExpectedDescription && shown.TargetUrl!.Contains(x.NewestExecutionId, StringComparison.Ordinal));
        var summary = $"events in {deliveries.Count}, faulted {faulted}, refused {refused.Count}, still refused {pending.Count}; statuses expected {histories.Count}, right {right}";
        output.WriteLine(summary);
        Assert.True(refused.Count > 5, summary);
        Assert.Empty(pending);
        Assert.True(right == histories.Count, summary);
    }
}
