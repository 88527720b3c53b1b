using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Host;

/// <summary>
/// The published Kestrel host (a Native AOT executable) against the loopback fakes, configured through environment
/// variables as a container is: the paths where trimming and AOT could break what the JIT-run tests pass (configuration
/// binding, Octokit with the bridge's serializer, the AWS SDK, Table Storage, GitHub App tokens and check runs).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NativeHostTests(NativeHostFixture native, AzuriteFixture tables) : IClassFixture<NativeHostFixture>, IAsyncLifetime
{
    private const long AppId = 515151;
    private const long Installation = 61;
    private readonly FakeGitHub _github = new();
    private readonly FakeCodePipeline _codePipeline = new(accountId: TestEvents.Account);
    private readonly FakeSts _sts = new(accountId: TestEvents.Account);

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_github.StartAsync(), _codePipeline.StartAsync(), _sts.StartAsync());
        _github.AcceptToken(TestSecrets.GitHubToken);
        _codePipeline.SeedFrom(Path.Combine(TestEvents.SamplesDirectory, "executions.json"));
    }

    public async Task DisposeAsync()
    {
        await _github.DisposeAsync();
        await _codePipeline.DisposeAsync();
        await _sts.DisposeAsync();
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Bridge__FunctionKey"] = TestSecrets.FunctionKey,
            ["GitHub__ApiBaseUrl"] = _github.ApiAddress.ToString(),
            ["GitHub__Host"] = "github.com",
            ["GitHub__Token"] = TestSecrets.GitHubToken,
            ["AWS_ENDPOINT_URL_CODEPIPELINE"] = _codePipeline.BaseAddress.ToString(),
            ["AWS_ENDPOINT_URL_STS"] = _sts.BaseAddress.ToString(),
            ["AWS_REGION"] = TestEvents.Region,
            ["AWS_ACCESS_KEY_ID"] = TestSecrets.BaseAccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = TestSecrets.BaseSecretAccessKey,
            ["Aws__RoleArn"] = $"arn:aws:iam::{TestEvents.Account}:role/codepipeline-github-bridge",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>A V1 pipeline event: no trigger, so the commit comes from GetPipelineExecution with assumed-role credentials.</summary>
    private static byte[] Started() => TestEvents.Pipeline("STARTED").Bytes();

    [Fact]
    public async Task An_event_is_posted_through_STS_CodePipeline_and_GitHub_and_bad_calls_get_their_answers()
    {
        await using var host = await native.StartAsync(Settings());

        var response = await host.PostEventAsync(Started());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{host.Output}");
        var status = Assert.Single(_github.Statuses);
        Assert.Equal("pending", status.State);
        Assert.Equal(1, _sts.RequestCount);
        Assert.Equal(1, _codePipeline.RequestCount);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("api/health")).StatusCode);
        var deep = await host.GetDeepHealthAsync();
        Assert.True(deep.StatusCode == HttpStatusCode.OK, $"{(int)deep.StatusCode} {await deep.Content.ReadAsStringAsync()}\n{host.Output}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostEventAsync(Started(), key: "wrong")).StatusCode);
        var garbage = await host.PostEventAsync(Encoding.UTF8.GetBytes("{\"detail-type\":"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(TestSecrets.GitHubToken, host.Output);
        Assert.DoesNotContain(TestSecrets.BaseSecretAccessKey, host.Output);
    }

    [Fact]
    public async Task GitHub_refusing_the_token_or_throttling_gets_the_documented_answers()
    {
        await using var host = await native.StartAsync(Settings());

        _github.EnqueueFault(FakeGitHub.RateLimit429(120));
        var throttled = await host.PostEventAsync(Started());
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), throttled.Headers.RetryAfter?.Delta);

        await using var revoked = await native.StartAsync(Settings());
        _github.RevokeToken(TestSecrets.GitHubToken);
        var refused = await revoked.PostEventAsync(Started());
        Assert.True((HttpStatusCode)424 == refused.StatusCode, $"{(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        Assert.Empty(_github.Statuses);
    }

    [Fact]
    public async Task With_the_ledger_in_Table_Storage_a_repeated_event_posts_once()
    {
        await using var host = await native.StartAsync(Settings(
            ("Ledger__ConnectionString", tables.ConnectionString), ("Ledger__TableName", tables.NewTableName())));

        for (var i = 0; i < 2; i++)
        {
            var response = await host.PostEventAsync(Started());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{host.Output}");
        }
        Assert.Single(_github.Statuses);
    }

    [Fact]
    public async Task A_GitHub_App_gets_an_installation_token_and_writes_a_check_run()
    {
        using var key = RSA.Create(2048);
        _github.RevokeToken(TestSecrets.GitHubToken);
        _github.RegisterApp(AppId, key);
        _github.AddInstallation(Installation, "octo-org", new Dictionary<string, string> { ["statuses"] = "write", ["checks"] = "write", ["metadata"] = "read" });
        var settings = Settings(("GitHub__AppId", AppId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("GitHub__AppPrivateKey", key.ExportRSAPrivateKeyPem()), ("GitHub__Mode", "Checks"),
            ("GitHub__InstallationIds__octo-org", Installation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        settings.Remove("GitHub__Token");
        await using var host = await native.StartAsync(settings);

        // Created while running, then completed by the later event: a create and an update.
        foreach (var state in (string[])["STARTED", "SUCCEEDED"])
        {
            var response = await host.PostEventAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(new string('a', 40))).Bytes());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{state}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{host.Output}");
        }
        var run = Assert.Single(_github.CheckRuns);
        Assert.Equal("completed", run.Status);
        Assert.Equal("success", run.Conclusion);
        Assert.Single(_github.IssuedInstallationTokens);

        // The app, its installation's permissions: read through the bridge's own wire types.
        var deep = await host.GetDeepHealthAsync();
        var body = await deep.Content.ReadAsStringAsync();
        Assert.True(deep.StatusCode == HttpStatusCode.OK, $"{(int)deep.StatusCode} {body}\n{host.Output}");
        Assert.Contains("may write statuses", body);
    }
}
