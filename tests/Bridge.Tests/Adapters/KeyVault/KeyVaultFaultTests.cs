using System.Net;
using Azure.Security.KeyVault.Secrets;
using Bridge.Core.Handling;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.KeyVault;

/// <summary>
/// Key Vault misbehaving as it does in production: unreachable, hanging, an untrusted certificate, 403, 503, a challenge
/// naming another resource, a secret pasted with a newline. Every one ends in an answer EventBridge can act on, within the
/// request budget, and no secret value in any answer or log.
/// </summary>
public sealed class KeyVaultFaultTests
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";

    private static Task<HttpResponseMessage> Post(BridgeHarness h, string state = "SUCCEEDED") =>
        h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));

    /// <summary>TokenCacheTtl 0: the secret is read for every event, the value read before kept only as the fallback.</summary>
    private static Task<BridgeHarness> Start(Action<HarnessOptions>? more = null) => BridgeHarness.StartAsync(o =>
    {
        o.UseKeyVault = true;
        o.Settings["GitHub:TokenCacheTtl"] = "00:00:00";
        more?.Invoke(o);
    });

    public static TheoryData<string> Outages => new() { "unreachable", "hang", "untrusted certificate", "403", "503" };

    private static async Task Break(FakeKeyVault vault, string outage)
    {
        switch (outage)
        {
            case "unreachable": await vault.GoUnreachableAsync(); break;
            case "hang": vault.SetFault(FakeKeyVault.Hang()); break;
            case "untrusted certificate": vault.PresentUntrustedCertificate = true; break;
            case "403": vault.SetFault(FakeKeyVault.ForbiddenByRbac()); break;
            case "503": vault.SetFault(FakeKeyVault.ServiceUnavailable()); break;
            default: throw new ArgumentOutOfRangeException(nameof(outage), outage, null);
        }
    }

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Any_vault_failure_carries_on_with_the_token_read_before_within_the_budget(string outage)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await Start(o => o.ShareClock(clock));
        Assert.Equal(HttpStatusCode.OK, (await Post(h, "STARTED")).StatusCode);
        await Break(h.KeyVault, outage);

        // With a value to fall back on, the vault gets one attempt's share of the budget.
        var response = await WithinAsync(clock, h.KeyVault, RequestBudget.Default.Attempt, Post(h));
        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{outage}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(TestSecrets.GitHubToken, h.GitHub.Statuses[^1].Token);
    }

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task Any_vault_failure_without_a_cached_token_asks_for_a_retry_within_the_budget(string outage)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await Start(o => o.ShareClock(clock));
        await Break(h.KeyVault, outage);

        var response = await WithinAsync(clock, h.KeyVault, RequestBudget.Default.Upstream, Post(h));
        var body = await response.Content.ReadAsStringAsync();
        // An identity refused the secret is a misconfiguration (424, to the DLQ after EventBridge's retries); the rest pass.
        var expected = outage == "403" ? (HttpStatusCode)424 : HttpStatusCode.ServiceUnavailable;
        Assert.True(expected == response.StatusCode, $"{outage}: {(int)response.StatusCode} {body}");
        if (expected == HttpStatusCode.ServiceUnavailable) Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("github-token", body);
        Assert.Equal(0, h.GitHub.RequestCount);
    }

    /// <summary>
    /// The answer to <paramref name="post"/>, on a clock shared by the vault and the bridge: a vault that holds the request
    /// (a hang) gets <paramref name="share"/> of the clock and no more, and must have been tried once only, so it was the
    /// bridge's budget that cut it off and not the SDK's own timeout and retries. The other outages answer at once.
    /// </summary>
    private static async Task<HttpResponseMessage> WithinAsync(FakeTimeProvider clock, FakeKeyVault vault, TimeSpan share, Task<HttpResponseMessage> post)
    {
        try
        {
            if (await FakeClockRequests.AdvanceIfHeldAsync(clock, vault, share, post)) Assert.Equal(1, vault.HeldCount);
            return await post;
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(clock, post);
        }
    }

    [Fact]
    public async Task A_challenge_naming_another_resource_is_a_misconfiguration()
    {
        await using var h = await Start(o => o.Services = s =>
        {
            // Production verifies the challenge's resource against the vault's host (the loopback vault turns it off).
            var options = (SecretClientOptions)s.Last(d => d.ServiceType == typeof(SecretClientOptions)).ImplementationInstance!;
            options.DisableChallengeResourceVerification = false;
        });
        h.KeyVault.ChallengeResource = "https://storage.azure.com";
        var response = await Post(h);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((HttpStatusCode)424 == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.Contains("KeyVault:VaultUri", body);
    }

    public static TheoryData<string> Padded => new() { "\n", "\r\n", " \t", "\r" };

    [Theory]
    [MemberData(nameof(Padded))]
    public async Task A_token_pasted_with_surrounding_whitespace_is_trimmed(string padding)
    {
        await using var h = await Start();
        h.KeyVault.SetSecret("github-token", padding + TestSecrets.GitHubToken + padding);
        var response = await Post(h);
        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(TestSecrets.GitHubToken, h.GitHub.Statuses[^1].Token);
    }

    public static TheoryData<string, string> Unusable => new()
    {
        { "NUL", TestSecrets.GitHubToken + "\0" },
        { "newline inside", TestSecrets.GitHubToken[..10] + "\n" + TestSecrets.GitHubToken[10..] },
        { "escape", TestSecrets.GitHubToken + "\u001b" },
        { "DEL", TestSecrets.GitHubToken + "\u007f" },
        { "empty", "" },
        { "whitespace only", " \r\n " },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task An_unusable_token_is_refused_naming_the_secret_never_showing_it(string _, string value)
    {
        await using var h = await Start(o => o.Settings["Logging:LogLevel:Default"] = "Trace");
        h.KeyVault.SetSecret("github-token", value);
        var response = await Post(h);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((HttpStatusCode)424 == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.Contains("github-token", body);
        Assert.Equal(0, h.GitHub.RequestCount);
        Assert.DoesNotContain(TestSecrets.GitHubToken[4..14], body);
        Assert.DoesNotContain(TestSecrets.GitHubToken[4..14], h.AllLogText());
    }

    [Theory]
    [InlineData("\n", true)]
    [InlineData("\0", false)]
    public async Task A_configured_token_gets_the_same_treatment(string suffix, bool usable)
    {
        await using var h = await BridgeHarness.StartAsync(o => o.Settings["GitHub:Token"] = TestSecrets.GitHubToken + suffix);
        var response = await Post(h);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((usable ? HttpStatusCode.OK : (HttpStatusCode)424) == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.DoesNotContain(TestSecrets.GitHubToken[4..14], h.AllLogText());
        if (usable) Assert.Equal(TestSecrets.GitHubToken, h.GitHub.Statuses[^1].Token);
    }
}
