namespace Bridge.Adapters.Configuration;

/// <summary>How the bridge gets AWS credentials for GetPipelineExecution. Section <c>Aws</c>.</summary>
public sealed class AwsOptions
{
    public const string Section = "Aws";

    /// <summary>Role assumed for every account without its own entry in <see cref="AccountRoleArns"/>. Unset: the SDK's default credentials are used as they are.</summary>
    public string? RoleArn { get; set; }

    /// <summary>AWS account id (the event's <c>account</c>) to the role to assume there.</summary>
    public Dictionary<string, string> AccountRoleArns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Secretless: the Entra application ID URI (audience) the managed identity gets a token for; roles are then assumed
    /// with sts:AssumeRoleWithWebIdentity and no AWS secret exists. Unset: AssumeRole with the base credentials.
    /// </summary>
    public string? WebIdentityAudience { get; set; }

    /// <summary>Optional sts:ExternalId sent with AssumeRole (base-credentials path only).</summary>
    public string? ExternalId { get; set; }

    /// <summary>Prefix of the role session name (the event's pipeline is appended for traceability).</summary>
    public string RoleSessionName { get; set; } = "codepipeline-github-bridge";
}
