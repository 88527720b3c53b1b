using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Aws;

/// <summary>sts:AssumeRole, signed with base credentials (environment, profile, or keys kept in Key Vault).</summary>
public sealed class AssumedRoleCredentials : RoleCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _sessionName;
    private readonly string? _externalId;

    public AssumedRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, string? externalId, TimeProvider time, RequestBudget budget)
        : base(time, budget) => (_sts, RoleArn, _sessionName, _externalId) = (sts, roleArn, sessionName, externalId);

    public override string RoleArn { get; }

    protected override string Operation => "AssumeRole";

    protected override async Task<Credentials> AssumeAsync(CancellationToken ct) =>
        (await _sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = RoleArn,
            RoleSessionName = _sessionName,
            ExternalId = _externalId,
            DurationSeconds = 3600,
        }, ct).ConfigureAwait(false)).Credentials;
}
