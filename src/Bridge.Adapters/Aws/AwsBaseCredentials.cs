using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Bridge.Adapters.Aws;

/// <summary>The credentials the bridge starts from: the SDK's default chain unless a host supplies its own (sandbox, tests).</summary>
public sealed class AwsBaseCredentials(Func<AWSCredentials>? factory = null)
{
    private readonly Lazy<AWSCredentials> _credentials = new(factory ?? (() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null)));
    public AWSCredentials Get() => _credentials.Value;
}
