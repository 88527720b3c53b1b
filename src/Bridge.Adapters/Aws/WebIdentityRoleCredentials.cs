using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Aws;

/// <summary>
/// sts:AssumeRoleWithWebIdentity with an Entra ID token of the Function's managed identity: no AWS secret exists.
/// Written here because the SDK's web-identity credentials read the token only from a file.
/// </summary>
public sealed class WebIdentityRoleCredentials : RoleCredentials
{
    private readonly IAmazonSecurityTokenService _sts;
    private readonly string _sessionName;
    private readonly Func<bool, CancellationToken, ValueTask<string>> _webIdentityToken;

    /// <param name="sts">An anonymous client: AssumeRoleWithWebIdentity is not signed.</param>
    /// <param name="webIdentityToken">The Entra token; with true, a fresh one (not the cached one).</param>
    public WebIdentityRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName,
        Func<bool, CancellationToken, ValueTask<string>> webIdentityToken, TimeProvider time, RequestBudget budget) : base(time, budget) =>
        (_sts, RoleArn, _sessionName, _webIdentityToken) = (sts, roleArn, sessionName, webIdentityToken);

    public override string RoleArn { get; }

    protected override string Operation => "AssumeRoleWithWebIdentity";

    protected override async Task<Credentials> AssumeAsync(CancellationToken ct)
    {
        try
        {
            return await AssumeWithAsync(await TokenAsync(fresh: false, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        catch (ExpiredTokenException)
        {
            // The token expired between Entra and STS (or a cached one was stale): once more with a fresh one.
            return await AssumeWithAsync(await TokenAsync(fresh: true, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
    }

    private async Task<string> TokenAsync(bool fresh, CancellationToken ct)
    {
        try
        {
            return await _webIdentityToken(fresh, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StsErrors.Map(Operation, ex);
        }
    }

    private async Task<Credentials> AssumeWithAsync(string token, CancellationToken ct) =>
        (await _sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = RoleArn,
            RoleSessionName = _sessionName,
            WebIdentityToken = token,
            DurationSeconds = 3600,
        }, ct).ConfigureAwait(false)).Credentials;
}
