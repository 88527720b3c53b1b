using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Azure.Core;
using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Aws;

/// <summary>
/// Picks the credentials for an event's AWS account: the role mapped to that account, else the default role, else the
/// base credentials as they are. Roles are assumed with the managed identity's Entra token when Aws:WebIdentityAudience
/// is set (no AWS secret anywhere), otherwise with the base credentials. One session per role, whatever the event's
/// account (one Aws:RoleArn serving every account is assumed once, not once per account named in events), so STS is
/// called about once an hour per role. The cache is bounded by the configuration: roles come only from Aws:RoleArn and
/// Aws:AccountRoleArns, never from an event.
/// </summary>
public sealed partial class AwsCredentialSource(IOptions<AwsOptions> options, AwsBaseCredentials baseCredentials, AwsEndpoints endpoints,
    TokenCredential azureCredential, TimeProvider time, RequestBudget budget)
{
    private readonly AwsOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, RoleCredentials> _roles = new(StringComparer.Ordinal);
    private readonly Lazy<IAmazonSecurityTokenService> _signedSts = new(() => CreateSts(baseCredentials.Get(), endpoints, budget));
    private readonly Lazy<IAmazonSecurityTokenService> _anonymousSts = new(() => CreateSts(new AnonymousAWSCredentials(), endpoints, budget));

    public AWSCredentials ForAccount(string account)
    {
        var roleArn = _options.AccountRoleArns.TryGetValue(account, out var mapped) ? mapped : _options.RoleArn;
        if (roleArn is null)
        {
            if (_options.AccountRoleArns.Count > 0 || _options.WebIdentityAudience is not null)
                throw new UpstreamException("AWS", FailureKind.Misconfigured, $"no role is configured for AWS account {account} (Aws:AccountRoleArns) and there is no default Aws:RoleArn");
            return baseCredentials.Get();
        }
        return _roles.GetOrAdd(roleArn, role => _options.WebIdentityAudience is { } audience
            ? new WebIdentityRoleCredentials(_anonymousSts.Value, role, SessionName(), (fresh, ct) => EntraTokenAsync(audience, fresh, ct), time, budget)
            : new AssumedRoleCredentials(_signedSts.Value, role, SessionName(), _options.ExternalId, time, budget));
    }

    /// <summary>Every configured role, for the deep health check.</summary>
    public IEnumerable<(string Account, AWSCredentials Credentials)> ConfiguredRoles() =>
        _options.AccountRoleArns.Keys.Select(a => (a, ForAccount(a)))
            .Concat(_options.RoleArn is null ? [] : [("default", ForAccount("default"))]);

    /// <param name="fresh">Bypass the token cache (a claims challenge makes MSAL ask the endpoint again): STS said the cached one expired.</param>
    private async ValueTask<string> EntraTokenAsync(string audience, bool fresh, CancellationToken ct)
    {
        var scopes = new[] { $"{audience.TrimEnd('/')}/.default" };
        var context = fresh
            ? new TokenRequestContext(scopes, claims: FreshTokenClaims(), isCaeEnabled: true)
            : new TokenRequestContext(scopes);
        var token = await azureCredential.GetTokenAsync(context, ct).ConfigureAwait(false);
        return token.Token;
    }

    private string FreshTokenClaims() =>
        "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"" + time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}}";

    /// <summary>
    /// Traceable in CloudTrail by its prefix, within STS's [\w+=,.@-]{2,64}. No account in it: one session serves
    /// every account its role is used for.
    /// </summary>
    private string SessionName()
    {
        var name = SessionNameChars().Replace(_options.RoleSessionName, "-");
        return name.Length switch { < 2 => "codepipeline-github-bridge", > 64 => name[..64], _ => name };
    }

    /// <summary>Each STS attempt gets one attempt's share of the request budget.</summary>
    private static IAmazonSecurityTokenService CreateSts(AWSCredentials credentials, AwsEndpoints endpoints, RequestBudget budget)
    {
        var config = new AmazonSecurityTokenServiceConfig { MaxErrorRetry = 2, Timeout = budget.Attempt };
        if (endpoints.Override("STS") is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = endpoints.DefaultRegion;
        }
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoints.DefaultRegion);
        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    [GeneratedRegex(@"[^\w+=,.@-]")]
    private static partial Regex SessionNameChars();
}
