using Amazon.Runtime;
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
