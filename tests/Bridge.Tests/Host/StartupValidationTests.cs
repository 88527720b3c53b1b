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
        { "no writes in flight", new() { ["GitHub:MaxConcurrentWrites"] = "0" }, "MaxConcurrentWrites" },
        { "more writes in flight than GitHub allows", new() { ["GitHub:MaxConcurrentWrites"] = "101" }, "MaxConcurrentWrites" },
        { "no writes a minute", new() { ["GitHub:MaxWritesPerMinute"] = "0" }, "MaxWritesPerMinute" },
        { "no writes an hour", new() { ["GitHub:MaxWritesPerHour"] = "0" }, "MaxWritesPerHour" },
        { "plain http GitHub", new() { ["GitHub:ApiBaseUrl"] = "http://github.example.com/api/v3" }, "https URL" },
        { "budget as long as EventBridge waits", new() { ["Bridge:RequestBudget"] = "00:00:05" }, "Bridge:RequestBudget must be above zero and below 00:00:05" },
        { "no budget", new() { ["Bridge:RequestBudget"] = "00:00:00" }, "Bridge:RequestBudget must be above zero" },
        { "revision wait beyond the budget", new() { ["Bridge:RequestBudget"] = "00:00:02", ["Bridge:RevisionWaitBudget"] = "00:00:03" }, "Bridge:RevisionWaitBudget must be at least zero and below Bridge:RequestBudget" },
        { "relative vault", new() { ["KeyVault:VaultUri"] = "my-vault" }, "KeyVault:VaultUri must be an https URL" },
        { "plain http vault", new() { ["KeyVault:VaultUri"] = "http://my-vault.vault.azure.net/" }, "KeyVault:VaultUri must be an https URL" },
        { "table name Table Storage refuses", new() { ["Ledger:TableName"] = "status-ledger" }, "Ledger:TableName must be 3 to 63 letters and digits" },
        { "both ledger endpoints", new() { ["Ledger:TableServiceUri"] = "https://acct.table.core.windows.net", ["Ledger:ConnectionString"] = "UseDevelopmentStorage=true" }, "not both" },
        { "bad context prefix", new() { ["Statuses:ContextPrefix"] = "ci pipeline" }, "Statuses:ContextPrefix may hold" },
        { "repair interval in seconds", new() { ["Repair:Interval"] = "00:02:30" }, "Repair:Interval must be whole minutes from 00:01:00 to 1.00:00:00" },
        { "repair without a wait", new() { ["Repair:After"] = "00:00:10" }, "Repair:After must be at least 00:01:00" },
        { "giving up before repairing", new() { ["Repair:GiveUpAfter"] = "00:10:00" }, "Repair:GiveUpAfter must be at least Repair:After" },
        { "repair page beyond Table Storage's", new() { ["Repair:MaxPerSweep"] = "5000" }, "Repair:MaxPerSweep must be from 1 to 1000" },
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
    public async Task The_repair_keys_bind_with_their_documented_defaults()
    {
        await using var defaults = BridgeApp.Build([], b => b.Configuration.AddInMemoryCollection(Valid));
        await using var set = BridgeApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Valid)
        {
            ["Repair:Interval"] = "00:10:00",
            ["Repair:After"] = "00:30:00",
            ["Repair:MaxPerSweep"] = "250",
            ["Repair:GiveUpAfter"] = "2.00:00:00",
            ["Repair:Enabled"] = "false",
        }));
        var d = defaults.Services.GetRequiredService<IOptions<Bridge.Adapters.Configuration.RepairOptions>>().Value;
        var o = set.Services.GetRequiredService<IOptions<Bridge.Adapters.Configuration.RepairOptions>>().Value;
        var sweep = set.Services.GetRequiredService<Bridge.Core.Repair.RepairSettings>();

        Assert.Equal((true, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), 100, TimeSpan.FromHours(24)), (d.Enabled, d.Interval, d.After, d.MaxPerSweep, d.GiveUpAfter));
        Assert.Equal((false, TimeSpan.FromMinutes(10)), (o.Enabled, o.Interval));
        Assert.Equal((TimeSpan.FromMinutes(30), 250, TimeSpan.FromDays(2)), (sweep.After, sweep.MaxPerSweep, sweep.GiveUpAfter));
    }

    [Theory]
    [InlineData("2026-11-26T09:00:00Z", "00:05:00", true)]
    [InlineData("2026-11-26T09:05:59Z", "00:05:00", true)]
    [InlineData("2026-11-26T09:06:00Z", "00:05:00", false)]
    [InlineData("2026-11-26T09:06:00Z", "00:01:00", true)]
    [InlineData("2026-11-26T00:00:00Z", "1.00:00:00", true)]
    [InlineData("2026-11-26T12:00:00Z", "1.00:00:00", false)]
    public async Task The_every_minute_timer_sweeps_on_the_minutes_that_are_a_multiple_of_the_interval(string now, string interval, bool due)
    {
        await using var app = BridgeApp.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Valid) { ["Repair:Interval"] = interval }));

        Assert.Equal(due, app.Services.GetRequiredService<Bridge.Adapters.Repair.RepairRunner>().IsDue(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
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
