using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Bridge.Adapters.Aws;

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
