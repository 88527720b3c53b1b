using System.Net;
using Azure.Core;
using Azure.Identity;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>
/// No AWS secret anywhere: the managed identity (an App Service-style identity endpoint on loopback, through
/// Azure.Identity's real ManagedIdentityCredential) gets an Entra token, and STS exchanges it for role credentials.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SecretlessAwsTests(ManagedIdentityFixture identity) : IAsyncLifetime, IClassFixture<ManagedIdentityFixture>
{
    private const string Audience = ManagedIdentityFixture.Audience;
    private const string Role = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";
    private readonly FakeManagedIdentity _identity = identity.Identity;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        var credential = identity.Credential;
        _h = await BridgeHarness.StartAsync(o =>
        {
            o.RoleArn = Role;
            o.Settings["Aws:WebIdentityAudience"] = Audience;
            o.Services = s => s.AddSingleton(credential);
            o.ShareClock(_clock);
        });
        _h.Sts.WebIdentityTokenValidator = token => _identity.ValidateToken(token, Audience);
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_role_is_assumed_with_the_managed_identitys_token_and_no_AWS_secret()
    {
        var response = await _h.PostSampleAsync("01-web-app.github-v1.started.json");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var call = Assert.Single(_h.Sts.Calls);
        Assert.Equal(("AssumeRoleWithWebIdentity", Role), (call.Action, call.RoleArn));
        Assert.True(call.Succeeded);
        Assert.Null(call.CallerAccessKeyId); // unsigned: the bridge holds no AWS key
        Assert.Equal("codepipeline-github-bridge", call.RoleSessionName); // one session per role: no account in it
        Assert.Equal(call.IssuedAccessKeyId, Assert.Single(_h.CodePipeline.Signers).AccessKeyId);
        Assert.DoesNotContain(_h.Sts.Requests, r => r.Body.Contains(TestSecrets.BaseAccessKeyId));

        var logs = _h.AllLogText();
        var issued = _h.Sts.LookupIssued(call.IssuedAccessKeyId!)!;
        Assert.DoesNotContain(call.WebIdentityToken!, logs);
        Assert.DoesNotContain(issued.SecretAccessKey, logs);
        Assert.DoesNotContain(issued.SessionToken!, logs);
    }

    [Fact]
    public async Task Credentials_are_cached_and_renewed_five_minutes_before_they_expire()
    {
        for (var i = 0; i < 4; i++)
            await _h.PostAsync(TestEvents.Pipeline("STARTED", executionId: "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01"));
        Assert.Single(_h.Sts.Calls);

        _clock.Advance(TimeSpan.FromMinutes(50)); // an hour's credentials, 10 minutes left: still used
        await _h.PostAsync(TestEvents.Pipeline("SUCCEEDED", executionId: "1e9b7c44-2d3a-4f6e-8b10-7a5c3d9e2b02", pipeline: "api-service"));
        Assert.Single(_h.Sts.Calls);

        _clock.Advance(TimeSpan.FromMinutes(6)); // 4 minutes left: renewed (the SDK may still sign this call with the old ones)
        await _h.PostAsync(TestEvents.Pipeline("STARTED", executionId: "9d2f4e6a-7b8c-4d1e-9f0a-1b2c3d4e5f04", pipeline: "legacy-monolith"));
        Assert.Equal(2, _h.Sts.Calls.Count);
        Assert.True(_h.Sts.Calls[1].Succeeded);

        _h.CodePipeline.AddExecution("web-app", "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a99", "InProgress", SeededRevision.GitHubV1("octo-org", "web-app", new string('d', 40)));
        await _h.PostAsync(TestEvents.Pipeline("STARTED", executionId: "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a99"));
        Assert.Equal(_h.Sts.Calls[1].IssuedAccessKeyId, _h.CodePipeline.Signers[^1].AccessKeyId);
        Assert.Equal(2, _h.Sts.Calls.Count);
    }

    [Fact]
    public async Task A_token_STS_refuses_is_a_misconfiguration()
    {
        _h.Sts.WebIdentityTokenValidator = _ => false;
        var response = await _h.PostSampleAsync("01-web-app.github-v1.started.json");
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("InvalidIdentityToken", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// One identity endpoint for the class: Azure.Identity caches managed-identity tokens process-wide, so a second fake
/// (with another signing key) would be handed the first one's cached token.
/// </summary>
public sealed class ManagedIdentityFixture : IAsyncLifetime
{
    public const string Audience = "api://codepipeline-github-bridge";
    public FakeManagedIdentity Identity { get; } = new();
    public TokenCredential Credential { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Identity.StartAsync();
        // ManagedIdentityCredential finds an App Service identity through these two variables; the collection runs
        // alone, so no other test sees them.
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", Identity.Endpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", Identity.IdentityHeader);
        Credential = new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
        await Identity.DisposeAsync();
    }
}

/// <summary>Tests that set process environment variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
