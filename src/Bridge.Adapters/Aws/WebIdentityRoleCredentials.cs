using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Bridge.Adapters.Aws;

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
