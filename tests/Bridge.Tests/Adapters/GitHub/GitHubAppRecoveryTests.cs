using System.Net;
using System.Security.Cryptography;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// A GitHub App whose installation or key changes under the running bridge, and app keys that cannot sign: the bridge
/// recovers where it can and otherwise names the secret (never its value) and the likely cause.
/// </summary>
public sealed class GitHubAppRecoveryTests : IAsyncLifetime
{
    private const long AppId = 434343;
    private const long Installation = 9101;
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private const string SecretName = "github-app-key";
    private readonly RSA _key = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Settings["GitHub:AppId"] = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            o.Settings["GitHub:AppPrivateKeySecretName"] = SecretName;
            o.ShareClock(_clock);
        });
        _h.KeyVault.SetSecret(SecretName, _key.ExportRSAPrivateKeyPem());
        _h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        _h.GitHub.RegisterApp(AppId, _key);
        _h.GitHub.AddInstallation(Installation, "octo-org");
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _key.Dispose();
    }

    private Task<HttpResponseMessage> Post(string state, string repo = "octo-org/worker") =>
        _h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha, repo)));

    private static async Task<string> Describe(HttpResponseMessage r) => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";

    // Row 21
    [Fact]
    public async Task A_reinstalled_app_is_looked_up_again()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("STARTED")).StatusCode);
        _h.GitHub.RemoveInstallation(Installation);
        _h.GitHub.AddInstallation(Installation + 1, "octo-org");

        var response = await Post("SUCCEEDED");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await Describe(response));
        Assert.Equal("success", _h.GitHub.Latest("octo-org/worker", Sha, "codepipeline/worker")!.State);
    }

    // Row 24: a rotated key is read again when GitHub refuses the JWT, without waiting for the cache to expire.
    [Fact]
    public async Task A_refused_app_JWT_reads_the_key_again_once()
    {
        _h.GitHub.AddInstallation(Installation + 2, "other-org");
        Assert.Equal(HttpStatusCode.OK, (await Post("STARTED")).StatusCode);
        using var rotated = RSA.Create(2048);
        _h.GitHub.RegisterApp(AppId, rotated);
        _h.KeyVault.SetSecret(SecretName, rotated.ExportRSAPrivateKeyPem());

        var response = await Post("STARTED", "other-org/worker");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await Describe(response));
    }

    // Row 24: a key stored with literal \n sequences gets a hint, not just "not an RSA private key".
    [Fact]
    public async Task A_key_with_escaped_newlines_is_named_with_the_likely_cause()
    {
        _h.KeyVault.SetSecret(SecretName, _key.ExportRSAPrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal));
        var response = await Post("STARTED");
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(SecretName, text, StringComparison.Ordinal);
        Assert.Contains("line breaks", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", text, StringComparison.Ordinal);
    }

    // Row 23: a public key cannot sign: a 424 naming the secret, never a 500.
    [Fact]
    public async Task A_public_key_as_the_app_key_is_a_misconfiguration_naming_the_secret()
    {
        _h.KeyVault.SetSecret(SecretName, _key.ExportSubjectPublicKeyInfoPem());
        var response = await Post("STARTED");
        Assert.True(response.StatusCode == (HttpStatusCode)424, await Describe(response));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(SecretName, text, StringComparison.Ordinal);
        Assert.Contains("public key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", text, StringComparison.Ordinal);
    }
}
