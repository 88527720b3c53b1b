using Microsoft.AspNetCore.Builder;

namespace Bridge.Sandbox;

/// <summary>
/// What a caller of <see cref="LoopbackBridge.StartAsync"/> wants of the bridge and its fakes. The defaults are the
/// sandbox's: account 111122223333 in eu-west-1, the role of the deployment templates, a made-up GitHub token.
/// </summary>
public sealed class LoopbackBridgeOptions
{
    /// <summary>Command-line arguments for the host (<c>--urls</c>, <c>--contentRoot</c>, <c>--Key=value</c>).</summary>
    public string[] Args { get; set; } = [];

    /// <summary>How every fake listens, keeps time (credential and token expiry) and records requests.</summary>
    public LoopbackServerOptions Fakes { get; set; } = new();

    /// <summary>The AWS account the fake pipelines and roles live in.</summary>
    public string AccountId { get; set; } = "111122223333";

    public string Region { get; set; } = "eu-west-1";

    /// <summary>Where the bridge listens. Null keeps the host's own setting (its appsettings.json, <c>--urls</c>).</summary>
    public string? Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>The x-functions-key callers must send. Null keeps a configured <c>Bridge:FunctionKey</c>, else <c>sandbox-key</c>.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>The GitHub token the fake GitHub accepts and the bridge uses (from configuration, or from the fake vault).</summary>
    public string GitHubToken { get; set; } = "sandbox-token";

    /// <summary>
    /// Also start a fake Key Vault (HTTPS, with its 401 challenge) holding the GitHub token as <c>github-token</c>, and
    /// have the bridge read the token from it instead of configuration.
    /// </summary>
    public bool UseKeyVault { get; set; }

    /// <summary>Assume this role through the fake STS; null uses the base credentials directly.</summary>
    public string? RoleArn { get; set; } = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";

    /// <summary>The base AWS credentials the bridge signs with (the SDK's default chain would find nothing useful here).</summary>
    public string AwsAccessKeyId { get; set; } = "AKIASANDBOXEXAMPLE00";

    public string AwsSecretAccessKey { get; set; } = "sandbox/secret/not/a/real/key";

    /// <summary>Table Storage connection string for the ordering ledger; null keeps the ledger in memory.</summary>
    public string? TablesConnectionString { get; set; }

    public string? TableName { get; set; }

    /// <summary>Configuration written over the loopback wiring (a null value removes a key).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The last say on the host's builder, after the wiring's configuration and services: logging, extra or replacement
    /// services (a later registration wins), configuration that depends on the host's own configuration.
    /// </summary>
    public Action<WebApplicationBuilder>? ConfigureHost { get; set; }
}
