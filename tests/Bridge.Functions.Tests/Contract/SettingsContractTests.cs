using System.Text.Json.Nodes;
using Bridge.Functions.Tests.Support;
using Bridge.Infra.Tests.Support;

namespace Bridge.Functions.Tests.Contract;

/// <summary>
/// "Runs where it is deployed": the published worker starts and answers with exactly the app settings the Bicep
/// deployment gives it, and every setting Bicep emits is read by something. Each check is shown to fail on a copy of
/// the template with one setting removed or misspelt.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class SettingsContractTests(WorkerFixture f)
{
    private static readonly Dictionary<string, string> Vault = new()
    {
        ["aws-access-key-id"] = SettingsContract.AwsAccessKeyId,
        ["aws-secret-access-key"] = SettingsContract.AwsSecretAccessKey,
    };

    private static JsonNode Template => BicepCompiler.MainTemplate;

    [Fact]
    public async Task The_worker_starts_and_answers_with_the_settings_Bicep_deploys()
    {
        var findings = await CheckAsync(Template);

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Every_setting_Bicep_deploys_is_read_by_the_app_or_the_platform()
    {
        var (settings, _) = SettingsContract.Deploy(Template, new Dictionary<string, string>
        {
            ["BRIDGE_AWS_ROLE_ARN"] = WorkerFixture.RoleArn,
            ["BRIDGE_AWS_REGION"] = WorkerFixture.Region,
            ["BRIDGE_AWS_BASE_CREDENTIALS_IN_KEY_VAULT"] = "true",
            ["BRIDGE_AWS_EXTERNAL_ID"] = "contract-external-id",
            ["BRIDGE_AWS_ACCOUNT_ROLE_ARNS"] = """{"444455556666": "arn:aws:iam::444455556666:role/bridge"}""",
            ["BRIDGE_GITHUB_ENTERPRISE_HOSTS"] = """[{"apiBaseUrl": "https://ghe.example.com/api/v3", "host": "ghe.example.com", "tokenSecretName": "ghe-token", "connectionArns": ["arn:aws:codeconnections:eu-west-1:111122223333:connection/x"]}]""",
        });

        Assert.Empty(SettingsContract.UnreadSettings(settings.Select(s => s.Key)));
        Assert.Empty(SettingsContract.UnreadSettings(SettingsContract.Deploy(Template, new Dictionary<string, string>
        {
            ["BRIDGE_GITHUB_APP_ID"] = "12345",
            ["BRIDGE_GITHUB_APP_INSTALLATION_IDS"] = """{"octo-org": 678}""",
            ["BRIDGE_AWS_WEB_IDENTITY_AUDIENCE"] = "api://bridge",
        }).AppSettings.Select(s => s.Key)));
    }

    [Fact]
    public async Task Removing_a_required_setting_from_Bicep_fails_the_contract()
    {
        // Without Aws__RoleArn the bridge calls CodePipeline with the base key, which (TrustMode=AwsPrincipal) may only assume the role.
        var template = MutateAppVariable(Template, "optionalAppSettings", "createArray(createObject('name', 'Aws__RoleArn', 'value', parameters('awsRoleArn')))", "createArray()");

        var findings = await CheckAsync(template);

        Assert.Contains(findings, x => x.StartsWith("CodePipeline was not called with credentials of the assumed role", StringComparison.Ordinal));
    }

    [Fact]
    public void A_setting_Bicep_deploys_that_the_app_never_reads_fails_the_contract()
    {
        var template = Template.DeepClone();
        var site = template["resources"]!["functionApp"]!["properties"]!["template"]!;
        site["variables"]!["baseAppSettings"]!.AsArray().Add(new JsonObject { ["name"] = "Ledger__TabelName", ["value"] = "statusledger" });

        var (settings, _) = SettingsContract.Deploy(template, new Dictionary<string, string>());

        Assert.Contains(SettingsContract.UnreadSettings(settings.Select(s => s.Key)), x => x.Contains("Ledger__TabelName", StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> CheckAsync(JsonNode template)
    {
        await using var upstreams = await Upstreams.StartAsync(WorkerFixture.Account, TestSecrets.GitHubToken, Path.Combine(WorkerFixture.SamplesDirectory, "executions.json"));
        var (settings, runtime) = SettingsContract.Deploy(template, SettingsContract.DeployEnvironment(upstreams));
        var unread = SettingsContract.UnreadSettings(settings.Select(s => s.Key)).ToList();
        var environment = SettingsContract.WorkerEnvironment(settings, runtime, upstreams, Vault);
        return [.. unread, .. await SettingsContract.RunAsync(f.PublishDirectory, environment, upstreams)];
    }

    /// <summary>A copy of the template with text replaced in one of the function app module's variables (an ARM expression).</summary>
    private static JsonNode MutateAppVariable(JsonNode template, string variable, string find, string replace)
    {
        var copy = template.DeepClone();
        var variables = copy["resources"]!["functionApp"]!["properties"]!["template"]!["variables"]!;
        var expression = (string)variables[variable]!;
        Assert.Contains(find, expression);
        variables[variable] = expression.Replace(find, replace, StringComparison.Ordinal);
        return copy;
    }
}
