using Bridge.Infra.Tests.Checks;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests;

/// <summary>README.md and docs/deploy.md: what the templates cannot show.</summary>
public sealed class DocsTests
{
    internal static string Readme => File.ReadAllText(RepoPaths.Readme);

    internal static string Guide => File.ReadAllText(RepoPaths.DeployGuide);

    [Fact]
    public void The_Entra_app_is_created_as_Entra_accepts_it()
    {
        Assert.Empty(DocsChecks.EntraAppAsEntraAcceptsIt(Readme, "README.md"));
        Assert.Empty(DocsChecks.EntraAppAsEntraAcceptsIt(Guide, "docs/deploy.md"));
    }

    [Fact]
    public void The_function_key_is_never_on_a_command_line()
    {
        Assert.Empty(DocsChecks.FunctionKeyNeverOnACommandLine(Readme, "README.md"));
        Assert.Empty(DocsChecks.FunctionKeyNeverOnACommandLine(Guide, "docs/deploy.md"));
    }

    [Fact]
    public void Retries_are_described_as_EventBridge_does_them()
    {
        Assert.Empty(DocsChecks.RetriesAsEventBridgeDoes(Readme, "README.md"));
        Assert.Empty(DocsChecks.RetriesAsEventBridgeDoes(Guide, "docs/deploy.md"));
        Assert.Empty(DocsChecks.RetriesAsEventBridgeDoes(File.ReadAllText(RepoPaths.BridgeCloudFormation), "aws-eventbridge/bridge.yaml"));
    }

    [Fact]
    public void The_deployer_may_use_Secrets_Manager() =>
        Assert.Empty(DocsChecks.DeployerMayUseSecretsManager(Guide));

    // ---------------------------------------------------------------- each check can fail

    [Theory]
    [InlineData("az ad app create --display-name x --identifier-uris api://codepipeline-github-bridge\naz ad sp create --id x", "api://codepipeline-github-bridge")]
    [InlineData("APP_ID=$(az ad app create --display-name x --query appId -o tsv)", "service principal")]
    public void An_Entra_app_Entra_would_refuse_or_without_its_principal_is_reported(string text, string expected) =>
        Assert.Contains(DocsChecks.EntraAppAsEntraAcceptsIt(text.Replace("\\n", "\n", StringComparison.Ordinal), "doc"), f => f.Contains(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData("    FunctionUrl=\"$EVENT_URL\" FunctionKey=\"$FUNCTION_KEY\" \\")]
    [InlineData("curl -X POST \"$EVENT_URL\" -H \"x-functions-key: $FUNCTION_KEY\"")]
    [InlineData("aws secretsmanager create-secret --name k --secret-string \"${FUNCTION_KEY}\"")]
    public void The_function_key_on_a_command_line_is_reported(string line)
    {
        var guide = Guide.Replace("```bash\n", $"```bash\n{line}\n", StringComparison.Ordinal);

        Assert.NotEmpty(DocsChecks.FunctionKeyNeverOnACommandLine(guide, "docs/deploy.md"));
    }

    [Theory]
    [InlineData("| missing or wrong `x-functions-key` | 401 | problem+json | not retried → DLQ |")]
    [InlineData("| `FailedInvocations` > 0 | Permanent failure (a 4xx such as 401, or retries exhausted) |")]
    public void A_401_said_not_to_be_retried_is_reported(string line) =>
        Assert.NotEmpty(DocsChecks.RetriesAsEventBridgeDoes(Readme + "\n" + line + "\n", "README.md"));

    [Fact]
    public void Deployer_permissions_without_Secrets_Manager_are_reported() =>
        Assert.NotEmpty(DocsChecks.DeployerMayUseSecretsManager(Guide.Replace("secretsmanager:", "secrets-manager-", StringComparison.Ordinal)));
}
