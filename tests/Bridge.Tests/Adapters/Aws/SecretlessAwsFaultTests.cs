using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Identity;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>
/// The secretless path when the managed identity endpoint or STS misbehaves: every failure that can pass is a
/// 503 + Retry-After inside the request budget, concurrent events share one token request, and an expired web
/// identity token is replaced once. Each test asks for its own audience: Azure.Identity caches tokens process-wide,
/// and a cached token would hide the endpoint under test.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SecretlessAwsFaultTests(ManagedIdentityFixture identity) : IClassFixture<ManagedIdentityFixture>, IAsyncLifetime
{
    private const string Role = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";
    private static readonly TimeSpan WithinBudget = TimeSpan.FromSeconds(4.8);
    private readonly FakeManagedIdentity _identity = identity.Identity;
    private readonly List<BridgeHarness> _harnesses = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _identity.ClearFaults();
        foreach (var h in _harnesses) await h.DisposeAsync();
    }

    private async Task<BridgeHarness> StartAsync(TokenCredential? credential = null)
    {
        var audience = $"api://codepipeline-github-bridge-{Guid.NewGuid():N}";
        credential ??= identity.Credential;
        var h = await BridgeHarness.StartAsync(o =>
        {
            o.RoleArn = Role;
            o.Settings["Aws:WebIdentityAudience"] = audience;
            o.Services = s => s.AddSingleton(credential);
        });
        _harnesses.Add(h);
        h.Sts.WebIdentityTokenValidator = token => _identity.ValidateToken(token, audience);
        h.SeedSampleExecutions();
        return h;
    }

    private static System.Text.Json.Nodes.JsonObject Started(string account = TestEvents.Account)
    {
        var e = TestEvents.Pipeline("STARTED");
        e["account"] = account;
        e["resources"] = new System.Text.Json.Nodes.JsonArray($"arn:aws:codepipeline:{TestEvents.Region}:{account}:web-app");
        return e;
    }

    private static async Task AssertRetryWithinBudget(Task<HttpResponseMessage> post)
    {
        var watch = Stopwatch.StartNew();
        var response = await post;
        watch.Stop();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
            $"{(int)response.StatusCode} after {watch.Elapsed}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(watch.Elapsed < WithinBudget, $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task An_identity_endpoint_refusing_connections_is_a_retry_within_the_budget()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", $"http://127.0.0.1:{closedPort}/msi/token");
        try
        {
            var h = await StartAsync(new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned));
            await AssertRetryWithinBudget(h.PostAsync(Started()));
            Assert.Equal(0, h.Sts.RequestCount);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _identity.Endpoint.ToString());
        }
    }

    [Fact]
    public async Task A_hanging_identity_endpoint_is_a_retry_within_the_budget()
    {
        var h = await StartAsync();
        _identity.SetFault(Fault.Delay(TimeSpan.FromSeconds(100)));
        await AssertRetryWithinBudget(h.PostAsync(Started()));
    }

    [Fact]
    public async Task A_hung_token_request_is_abandoned_at_the_budget_and_does_not_hold_up_the_redelivery()
    {
        var h = await StartAsync();
        _identity.EnqueueFault(Fault.Delay(TimeSpan.FromSeconds(100)));
        await AssertRetryWithinBudget(h.PostAsync(Started()));

        // The endpoint answers again: the redelivery must not queue behind the token request still hanging.
        var watch = Stopwatch.StartNew();
        var response = await h.PostAsync(Started());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} after {watch.Elapsed}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_failing_identity_endpoint_is_transient_not_a_misconfiguration()
    {
        var h = await StartAsync();
        _identity.SetFault(FakeManagedIdentity.Failing(500));
        await AssertRetryWithinBudget(h.PostAsync(Started()));

        _identity.ClearFaults();
        Assert.Equal(HttpStatusCode.OK, (await h.PostAsync(Started())).StatusCode);
    }

    [Fact]
    public async Task Concurrent_events_share_one_token_request_and_one_AssumeRoleWithWebIdentity()
    {
        var h = await StartAsync();
        _identity.EnqueueFault(Fault.Delay(TimeSpan.FromMilliseconds(300)));
        var before = _identity.RequestCount;
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => h.PostAsync(Started($"{300000000000 + i}"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _identity.RequestCount - before);
        Assert.Single(h.Sts.Calls);
    }

    [Fact]
    public async Task STS_failing_to_reach_the_identity_provider_is_a_retry()
    {
        var h = await StartAsync();
        h.Sts.SetFault(FakeSts.IdpCommunicationError());
        await AssertRetryWithinBudget(h.PostAsync(Started()));

        h.Sts.SetFault(null);
        Assert.Equal(HttpStatusCode.OK, (await h.PostAsync(Started())).StatusCode);
    }

    [Fact]
    public async Task An_expired_web_identity_token_is_replaced_by_a_fresh_one_once()
    {
        var h = await StartAsync();
        h.Sts.EnqueueFault(FakeSts.ExpiredToken());
        var before = _identity.RequestCount;
        var response = await h.PostAsync(Started());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(2, h.Sts.RequestCount);
        Assert.Equal(2, _identity.RequestCount - before); // a fresh Entra token, not the cached one again
        Assert.True(Assert.Single(h.Sts.Calls).Succeeded);
    }

    [Fact]
    public async Task A_token_that_stays_expired_is_a_retry_not_a_loop()
    {
        var h = await StartAsync();
        h.Sts.SetFault(FakeSts.ExpiredToken());
        await AssertRetryWithinBudget(h.PostAsync(Started()));
        Assert.Equal(2, h.Sts.RequestCount);
    }

    public static TheoryData<string> Misconfigurations() => ["RegionDisabledException", "IDPRejectedClaim"];

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task STS_errors_that_only_a_configuration_change_fixes_go_to_the_dead_letter_queue(string code)
    {
        var h = await StartAsync();
        h.Sts.SetFault(code == "RegionDisabledException" ? FakeSts.RegionDisabled() : FakeSts.IdpRejectedClaim());
        var response = await h.PostAsync(Started());
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains(code, await response.Content.ReadAsStringAsync());
    }
}
