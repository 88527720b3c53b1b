using Bridge.Host;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Host;

/// <summary>Configuration that is incomplete or ambiguous stops the host at start-up with a message naming the key.</summary>
public sealed class StartupValidationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Bridge:FunctionKey"] = "k",
        ["GitHub:Token"] = "t",
    };

    public static TheoryData<string, Dictionary<string, string?>, string> Broken => new()
    {
        { "no GitHub credential", new() { ["GitHub:Token"] = null }, "GitHub has no credential" },
        { "token secret without a vault", new() { ["GitHub:Token"] = null, ["GitHub:TokenSecretName"] = "gh" }, "GitHub has no credential" },
        { "token and app", new() { ["GitHub:AppId"] = "12" }, "not both" },
        { "app without key", new() { ["GitHub:Token"] = null, ["GitHub:AppId"] = "12" }, "needs the app's private key" },
        { "app key secret without vault", new() { ["GitHub:Token"] = null, ["GitHub:AppId"] = "12", ["GitHub:AppPrivateKeySecretName"] = "k" }, "KeyVault:VaultUri is not set" },
        { "enterprise host without credential", new() { ["GitHub:Enterprise:0:ApiBaseUrl"] = "https://ghe.example.com/api/v3" }, "GitHub:Enterprise:0 has no credential" },
        { "enterprise host twice", new() { ["GitHub:Enterprise:0:ApiBaseUrl"] = "https://api.github.com", ["GitHub:Enterprise:0:Token"] = "x" }, "configured twice" },
        { "web identity without a role", new() { ["Aws:WebIdentityAudience"] = "api://bridge" }, "needs a role to assume" },
        { "web identity and external id", new() { ["Aws:WebIdentityAudience"] = "api://bridge", ["Aws:RoleArn"] = "arn:aws:iam::111122223333:role/r", ["Aws:ExternalId"] = "x" }, "Remove one" },
        { "malformed role", new() { ["Aws:RoleArn"] = "bridge-role" }, "Aws:RoleArn must look like" },
        { "malformed account map", new() { ["Aws:AccountRoleArns:12"] = "arn:aws:iam::111122223333:role/r" }, "12-digit account ids" },
        { "no function key", new() { ["Bridge:FunctionKey"] = null }, "Bridge:FunctionKey is required" },
        { "blank function key", new() { ["Bridge:FunctionKey"] = "   " }, "Bridge:FunctionKey is required" },
        { "plain http GitHub", new() { ["GitHub:ApiBaseUrl"] = "http://github.example.com/api/v3" }, "https URL" },
        { "budget as long as EventBridge waits", new() { ["Bridge:RequestBudget"] = "00:00:05" }, "Bridge:RequestBudget must be above zero and below 00:00:05" },
        { "no budget", new() { ["Bridge:RequestBudget"] = "00:00:00" }, "Bridge:RequestBudget must be above zero" },
        { "revision wait beyond the budget", new() { ["Bridge:RequestBudget"] = "00:00:02", ["Bridge:RevisionWaitBudget"] = "00:00:03" }, "Bridge:RevisionWaitBudget must be at least zero and below Bridge:RequestBudget" },
        { "relative vault", new() { ["KeyVault:VaultUri"] = "my-vault" }, "KeyVault:VaultUri must be an https URL" },
        { "plain http vault", new() { ["KeyVault:VaultUri"] = "http://my-vault.vault.azure.net/" }, "KeyVault:VaultUri must be an https URL" },
        { "table name Table Storage refuses", new() { ["Ledger:TableName"] = "status-ledger" }, "Ledger:TableName must be 3 to 63 letters and digits" },
        { "both ledger endpoints", new() { ["Ledger:TableServiceUri"] = "https://acct.table.core.windows.net", ["Ledger:ConnectionString"] = "UseDevelopmentStorage=true" }, "not both" },
        { "bad context prefix", new() { ["Statuses:ContextPrefix"] = "ci pipeline" }, "Statuses:ContextPrefix may hold" },
        { "app key that is no PEM", new() { ["GitHub:Token"] = null, ["GitHub:AppId"] = "12", ["GitHub:AppPrivateKey"] = "not-a-key" }, "GitHub:AppPrivateKey is not an RSA private key" },
        { "app key with escaped newlines", new() { ["GitHub:Token"] = null, ["GitHub:AppId"] = "12", ["GitHub:AppPrivateKey"] = PrivatePem().Replace("\n", "\\n", StringComparison.Ordinal) }, "literal \\n sequences" },
        { "public key as the app key", new() { ["GitHub:Token"] = null, ["GitHub:AppId"] = "12", ["GitHub:AppPrivateKey"] = PublicPem() }, "GitHub:AppPrivateKey holds a public key" },
    };

    private static string PrivatePem()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string PublicPem()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Says_what_is_missing(string _, Dictionary<string, string?> change, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid);
        foreach (var (k, v) in change) settings[k] = v;
        await using var app = BridgeApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
        });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task The_example_local_settings_with_a_token_start_and_blank_values_count_as_unset()
    {
        var example = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Support.TestEvents.RepoRoot, "src", "Bridge.Functions", "local.settings.example.json")))!;
        var settings = example["Values"]!.AsObject().ToDictionary(p => p.Key.Replace("__", ":"), p => (string?)p.Value);
        settings["GitHub:Token"] = "t";
        settings["Ledger:ConnectionString"] = null;
        settings["Urls"] = "http://127.0.0.1:0";
        settings["Bridge:FunctionKey"] = "k";
        await using var app = BridgeApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        var aws = app.Services.GetRequiredService<IOptions<Bridge.Adapters.Configuration.AwsOptions>>().Value;
        Assert.Null(aws.WebIdentityAudience);
        Assert.Null(aws.RoleArn);
        Assert.Null(app.Services.GetRequiredService<IOptions<Bridge.Adapters.Configuration.GitHubOptions>>().Value.AppId);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_complete_configuration_starts()
    {
        await using var app = BridgeApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(Valid);
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        await app.StopAsync();
    }
}
