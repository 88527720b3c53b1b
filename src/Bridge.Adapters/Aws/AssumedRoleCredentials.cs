using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Bridge.Adapters.Aws;

/// <summary>
/// Role credentials from STS, refreshed by the SDK's <see cref="RefreshingAWSCredentials"/> five minutes before they
/// expire, on the injected clock. The STS client is ours (not the SDK's AssumeRoleAWSCredentials) so it honours
/// AWS_ENDPOINT_URL_STS from configuration and the bridge's retry settings.
/// </summary>
public abstract class RoleCredentials : RefreshingAWSCredentials
{
    private readonly SdkClock _clock;

    protected RoleCredentials(TimeProvider time) : this(new SdkClock(time)) { }

    private RoleCredentials(SdkClock clock) : base(clock) => _clock = clock;

    public abstract string RoleArn { get; }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    /// <summary>The state carries the clock too: the SDK asks the state, not the credentials, whether it expires soon.</summary>
    protected CredentialsRefreshState State(Credentials c) => new(
        new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
        c.Expiration?.ToUniversalTime() ?? _clock.CorrectedUtcNow.AddMinutes(15), _clock);

    /// <summary>The SDK's clock, driven by <see cref="TimeProvider"/> so tests move time instead of waiting for it.</summary>
    private sealed class SdkClock(TimeProvider time) : Amazon.Util.Internal.ITimeProvider
    {
        public DateTime CorrectedUtcNow => time.GetUtcNow().UtcDateTime;
    }
}

/// <summary>sts:AssumeRole, signed with base credentials (environment, profile, or keys kept in Key Vault).</summary>
public sealed class AssumedRoleCredentials : RoleCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _sessionName;
    private readonly string? _externalId;

    public AssumedRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, string? externalId, TimeProvider time) : base(time)
    {
        (_sts, RoleArn, _sessionName, _externalId) = (sts, roleArn, sessionName, externalId);
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public override string RoleArn { get; }

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = RoleArn,
            RoleSessionName = _sessionName,
            ExternalId = _externalId,
            DurationSeconds = 3600,
        }).ConfigureAwait(false);
        return State(response.Credentials);
    }
}

/// <summary>
/// sts:AssumeRoleWithWebIdentity with an Entra ID token of the Function's managed identity: no AWS secret exists.
/// Written here because the SDK's web-identity credentials read the token only from a file.
/// </summary>
public sealed class WebIdentityRoleCredentials : RoleCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _sessionName;
    private readonly Func<CancellationToken, ValueTask<string>> _webIdentityToken;

    /// <param name="sts">An anonymous client: AssumeRoleWithWebIdentity is not signed.</param>
    public WebIdentityRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, Func<CancellationToken, ValueTask<string>> webIdentityToken, TimeProvider time) : base(time)
    {
        (_sts, RoleArn, _sessionName, _webIdentityToken) = (sts, roleArn, sessionName, webIdentityToken);
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public override string RoleArn { get; }

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var token = await _webIdentityToken(CancellationToken.None).ConfigureAwait(false);
        var response = await _sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = RoleArn,
            RoleSessionName = _sessionName,
            WebIdentityToken = token,
            DurationSeconds = 3600,
        }).ConfigureAwait(false);
        return State(response.Credentials);
    }
}
