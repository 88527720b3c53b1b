using Bridge.Infra.Tests.Checks;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests;

/// <summary>infra-bicep/main.bicep, compiled to ARM JSON.</summary>
public sealed class ArmTemplateTests
{
    [Fact]
    public void An_alert_watches_the_repair_sweep_failing_and_notifies_the_action_group()
    {
        var rule = Assert.Single(Arm.OfType(Templates.Arm, "Microsoft.Insights/scheduledQueryRules"),
            r => r.Resource["properties"]?["criteria"]?["allOf"]?[0]?["query"]?.ToString().Contains("bridge.repair.actions", StringComparison.Ordinal) == true);
        var properties = rule.Resource["properties"]!;
        Assert.Contains("\"failed\"", properties["criteria"]!["allOf"]![0]!["query"]!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(properties["actions"]);
    }

    [Fact]
    public void Storage_accepts_only_Entra_ID() =>
        Assert.Empty(ArmChecks.StorageSharedKeyDisabled(Templates.Arm));

    [Fact]
    public void App_settings_hold_no_keys_or_connection_strings() =>
        Assert.Empty(ArmChecks.AppSettingsHoldNoSecrets(Templates.Arm));

    [Fact]
    public void Storage_telemetry_and_SDK_clients_use_the_managed_identity() =>
        Assert.Empty(ArmChecks.IdentityBasedConnections(Templates.Arm));

    [Fact]
    public void Key_Vault_uses_RBAC() =>
        Assert.Empty(ArmChecks.KeyVaultUsesRbac(Templates.Arm));

    [Fact]
    public void Key_Vault_Secrets_User_is_granted_on_the_vault_only() =>
        Assert.Empty(ArmChecks.KeyVaultSecretsUserScopedToVault(Templates.Arm));

    [Fact]
    public void Table_Data_Contributor_is_granted_on_the_ledger_table_only() =>
        Assert.Empty(ArmChecks.LedgerTableRoleScopedToTable(Templates.Arm));

    [Fact]
    public void Storage_Blob_Data_Owner_is_granted_on_the_storage_account_only() =>
        Assert.Empty(ArmChecks.BlobDataOwnerScopedToStorageAccount(Templates.Arm));

    [Fact]
    public void The_ledger_table_is_created_by_the_template_and_the_app_is_told() =>
        Assert.Empty(ArmChecks.LedgerTableProvisioned(Templates.Arm));

    [Fact]
    public void Function_app_is_HTTPS_TLS12_no_FTP_dotnet_isolated_10_with_one_always_ready_http_instance() =>
        Assert.Empty(ArmChecks.FunctionAppHardened(Templates.Arm));

    [Fact]
    public void Every_Section__Property_app_setting_binds_an_options_property() =>
        Assert.Empty(ArmChecks.AppSettingsBindOptions(Templates.Arm, Templates.Options));

    [Fact]
    public void The_bridge_settings_of_the_issue_are_all_emitted()
    {
        var names = Arm.AppSettings(Templates.Arm).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        string[] expected =
        [
            "KeyVault__VaultUri", "GitHub__ApiBaseUrl", "GitHub__TokenSecretName", "Aws__RoleArn", "Aws__ExternalId",
            "Ledger__TableServiceUri", "Ledger__TableName", "Statuses__ContextPrefix", "Statuses__PostStageStatuses",
            "AZURE_CLIENT_ID", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Aws__WebIdentityAudience", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
            "Aws__AccountRoleArns__0", "GitHub__AppId", "GitHub__AppPrivateKeySecretName", "GitHub__InstallationIds__0", "Ledger__RetentionDays", "Ledger__TableProvisioned",
            "GitHub__Enterprise__0__ApiBaseUrl", "GitHub__Enterprise__0__Host", "GitHub__Enterprise__0__TokenSecretName",
            "GitHub__Enterprise__0__AppId", "GitHub__Enterprise__0__AppPrivateKeySecretName",
            "GitHub__Enterprise__0__InstallationIds__0", "GitHub__Enterprise__0__ConnectionArns__0",
        ];
        Assert.Superset(expected.ToHashSet(StringComparer.Ordinal), names);
    }

    [Fact]
    public void The_options_catalog_finds_the_bridge_sections()
    {
        // Guards the name check itself: if reflection found nothing, every setting would be "unknown".
        Assert.Superset(
            new HashSet<string>(["Aws", "GitHub", "KeyVault", "Ledger", "Statuses"], StringComparer.Ordinal),
            Templates.Options.Sections.Keys.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Outputs_give_what_the_AWS_side_and_the_guide_need()
    {
        var outputs = Templates.Arm["outputs"]!.AsObject();
        foreach (var name in new[] { "eventUrl", "managedIdentityClientId", "managedIdentityPrincipalId", "keyVaultUri", "functionAppName", "tenantId" })
        {
            Assert.True(outputs.ContainsKey(name), $"output {name} is missing");
        }

        var functionApp = Arm.FunctionAppTemplates(Templates.Arm).Single();
        Assert.Contains("/api/codepipeline-events", functionApp["outputs"]!["eventUrl"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
