using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Aws;

/// <summary>The credentials the bridge starts from: the SDK's default chain unless a host supplies its own (sandbox, tests).</summary>
public sealed class AwsBaseCredentials(Func<AWSCredentials>? factory = null)
{
    private readonly Lazy<AWSCredentials> _credentials = new(factory ?? (() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null)));
    public AWSCredentials Get() => _credentials.Value;
}

/// <summary>
/// Picks the credentials for an event's AWS account: the role mapped to that account, else the default role,
/// else the base credentials as they are. One refreshing credentials object per role, so STS is called
/// about once an hour per role, not once per event.
/// </summary>
public sealed partial class AwsCredentialSource(IOptions<AwsOptions> options, AwsBaseCredentials baseCredentials, AwsEndpoints endpoints)
{
    private readonly AwsOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, AssumedRoleCredentials> _roles = new(StringComparer.Ordinal);
    private readonly Lazy<IAmazonSecurityTokenService> _sts = new(() => CreateSts(baseCredentials.Get(), endpoints));

    public AWSCredentials ForAccount(string account)
    {
        var roleArn = _options.AccountRoleArns.TryGetValue(account, out var mapped) ? mapped : _options.RoleArn;
        if (roleArn is null)
        {
            if (_options.AccountRoleArns.Count > 0)
                throw new UpstreamException("AWS", FailureKind.Misconfigured, $"no role is configured for AWS account {account} (Aws:AccountRoleArns) and there is no default Aws:RoleArn");
            return baseCredentials.Get();
        }
        return _roles.GetOrAdd(roleArn, arn => new AssumedRoleCredentials(_sts.Value, arn, SessionName(), _options.ExternalId));
    }

    /// <summary>STS allows [\w+=,.@-]{2,64}.</summary>
    private string SessionName()
    {
        var name = SessionNameChars().Replace(_options.RoleSessionName, "-");
        return name.Length switch { < 2 => "codepipeline-github-bridge", > 64 => name[..64], _ => name };
    }

    private static IAmazonSecurityTokenService CreateSts(AWSCredentials credentials, AwsEndpoints endpoints)
    {
        var config = new AmazonSecurityTokenServiceConfig { MaxErrorRetry = 2, Timeout = TimeSpan.FromSeconds(3) };
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
