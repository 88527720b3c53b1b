using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Bridge.Adapters.Aws;

/// <summary>
/// sts:AssumeRole credentials, refreshed by the SDK's <see cref="RefreshingAWSCredentials"/> a few minutes before
/// they expire. Written here rather than using the SDK's AssumeRoleAWSCredentials so the STS client is ours:
/// it honours AWS_ENDPOINT_URL_STS from configuration and the retry settings of the bridge.
/// </summary>
public sealed class AssumedRoleCredentials : RefreshingAWSCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _roleArn;
    private readonly string _sessionName;
    private readonly string? _externalId;

    public AssumedRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, string? externalId)
    {
        (_sts, _roleArn, _sessionName, _externalId) = (sts, roleArn, sessionName, externalId);
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public string RoleArn => _roleArn;

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = _roleArn,
            RoleSessionName = _sessionName,
            ExternalId = _externalId,
            DurationSeconds = 3600,
        }).ConfigureAwait(false);
        var c = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
            c.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddMinutes(15));
    }
}
