using System.Text.Json.Nodes;
using Bridge.Infra.Tests.Checks;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests;

/// <summary>
/// Each check can fail: break one property in a copy of the real template and the check reports it.
/// </summary>
public sealed class MutationTests
{
    // ---------------------------------------------------------------- ARM

    [Fact]
    public void Shared_key_access_turned_on_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        Arm.OfType(arm, "Microsoft.Storage/storageAccounts").First().Properties!["allowSharedKeyAccess"] = true;

        Assert.Contains(ArmChecks.StorageSharedKeyDisabled(arm), f => f.Contains("allowSharedKeyAccess", StringComparison.Ordinal));
    }

    [Fact]
    public void Shared_key_access_left_unset_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        Arm.OfType(arm, "Microsoft.Storage/storageAccounts").First().Properties!.Remove("allowSharedKeyAccess");

        Assert.NotEmpty(ArmChecks.StorageSharedKeyDisabled(arm));
    }

    [Fact]
    public void An_account_key_connection_string_in_app_settings_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        BaseAppSettings(arm).Add(new JsonObject
        {
            ["name"] = "AzureWebJobsStorage",
            ["value"] = "[format('DefaultEndpointsProtocol=https;AccountName={0};AccountKey={1}', parameters('storageAccountName'), listKeys(resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName')), '2023-05-01').keys[0].value)]",
        });

        var findings = ArmChecks.AppSettingsHoldNoSecrets(arm);

        Assert.Contains(findings, f => f.Contains("AccountKey=", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("AzureWebJobsStorage is a connection string", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ledger_connection_string_setting_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        BaseAppSettings(arm).Add(new JsonObject { ["name"] = "Ledger__ConnectionString", ["value"] = "[parameters('ledger')]" });

        Assert.Contains(ArmChecks.AppSettingsHoldNoSecrets(arm), f => f.Contains("Ledger__ConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void A_credential_setting_that_is_not_a_Key_Vault_reference_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        BaseAppSettings(arm).Add(new JsonObject { ["name"] = "GitHub__Token", ["value"] = "[parameters('gitHubToken')]" });

        Assert.Contains(ArmChecks.AppSettingsHoldNoSecrets(arm), f => f.Contains("GitHub__Token", StringComparison.Ordinal));
    }

    [Fact]
    public void Key_Vault_access_policies_mode_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        Arm.OfType(arm, "Microsoft.KeyVault/vaults").First().Properties!["enableRbacAuthorization"] = false;

        Assert.NotEmpty(ArmChecks.KeyVaultUsesRbac(arm));
    }

    [Fact]
    public void Key_Vault_Secrets_User_on_the_resource_group_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        ArmChecks.RoleAssignments(arm, ArmChecks.KeyVaultSecretsUserRoleId).First().Resource.Remove("scope");

        Assert.Contains(ArmChecks.KeyVaultSecretsUserScopedToVault(arm), f => f.Contains("whole resource group", StringComparison.Ordinal));
    }

    [Fact]
    public void Key_Vault_Secrets_User_on_another_resource_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        ArmChecks.RoleAssignments(arm, ArmChecks.KeyVaultSecretsUserRoleId).First().Resource["scope"] =
            "[resourceId('Microsoft.KeyVault/vaults', 'some-other-vault')]";

        Assert.NotEmpty(ArmChecks.KeyVaultSecretsUserScopedToVault(arm));
    }

    [Fact]
    public void Table_role_on_the_whole_account_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        ArmChecks.RoleAssignments(arm, ArmChecks.StorageTableDataContributorRoleId).First().Resource["scope"] =
            "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]";

        Assert.NotEmpty(ArmChecks.LedgerTableRoleScopedToTable(arm));
    }

    [Fact]
    public void Blob_Data_Owner_on_the_resource_group_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        ArmChecks.RoleAssignments(arm, ArmChecks.StorageBlobDataOwnerRoleId).First().Resource.Remove("scope");

        Assert.Contains(ArmChecks.BlobDataOwnerScopedToStorageAccount(arm), f => f.Contains("whole resource group", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ledger_table_the_template_does_not_create_is_reported()
    {
        var arm = Templates.Arm.DeepClone();
        var table = Arm.OfType(arm, "Microsoft.Storage/storageAccounts/tableServices/tables").First();
        var resources = table.Template["resources"]!;
        if (resources is JsonArray list)
        {
            list.Remove(table.Resource);
        }
        else
        {
            var key = resources.AsObject().First(kv => ReferenceEquals(kv.Value, table.Resource)).Key;
            resources.AsObject().Remove(key);
        }

        Assert.Contains(ArmChecks.LedgerTableProvisioned(arm), f => f.Contains("creates no table", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public void A_missing_or_false_TableProvisioned_setting_is_reported(string? value)
    {
        var arm = Templates.Arm.DeepClone();
        var settings = BaseAppSettings(arm);
        var setting = settings.OfType<JsonObject>().Single(o => o["name"]?.GetValue<string>() == ArmChecks.LedgerTableProvisionedSetting);
        if (value is null)
        {
            settings.Remove(setting);
        }
        else
        {
            setting["value"] = value;
        }

        Assert.Contains(ArmChecks.LedgerTableProvisioned(arm), f => f.Contains(ArmChecks.LedgerTableProvisionedSetting, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("httpsOnly")]
    [InlineData("minTlsVersion")]
    [InlineData("ftpsState")]
    [InlineData("alwaysReady")]
    [InlineData("runtime")]
    public void Weakened_function_app_is_reported(string property)
    {
        var arm = Templates.Arm.DeepClone();
        var site = Arm.OfType(arm, "Microsoft.Web/sites").First().Properties!;
        switch (property)
        {
            case "httpsOnly":
                site["httpsOnly"] = false;
                break;
            case "minTlsVersion":
                site["siteConfig"]!["minTlsVersion"] = "1.0";
                break;
            case "ftpsState":
                site["siteConfig"]!["ftpsState"] = "AllAllowed";
                break;
            case "alwaysReady":
                site["functionAppConfig"]!["scaleAndConcurrency"]!["alwaysReady"]![0]!["instanceCount"] = 0;
                break;
            case "runtime":
                site["functionAppConfig"]!["runtime"]!["version"] = "8.0";
                break;
        }

        Assert.NotEmpty(ArmChecks.FunctionAppHardened(arm));
    }

    [Theory]
    [InlineData("Aws__RoleARN")] // wrong case: .NET binds case-insensitively, but the check asks for the exact name
    [InlineData("Aws__RegionEndpoint")] // no such property
    [InlineData("Github__ApiBaseUrl")] // section spelled GitHub
    [InlineData("Ledgers__TableName")] // no such section
    [InlineData("Statuses__ContextPrefix__x")] // not a dictionary
    [InlineData("GitHub__WebHost")] // computed, no setter
    [InlineData("GitHub__Enterprise")] // a list of objects, not a value
    [InlineData("GitHub__Enterprise__0")] // an object, not a value
    [InlineData("GitHub__Enterprise__first__ApiBaseUrl")] // a list takes an index
    [InlineData("GitHub__Enterprise__0__ApiBaseURL")] // wrong case inside a list element
    [InlineData("GitHub__Enterprise__0__TokenCacheTtl")] // GitHubOptions only, not on GitHubHostOptions
    [InlineData("GitHub__Enterprise__0__ConnectionArns__x")] // a list of strings takes an index
    [InlineData("GitHub__InstallationIds__my-org__x")] // a dictionary of numbers takes one key
    [InlineData("Aws__AccountRoleArns")] // a dictionary takes a key
    public void An_app_setting_that_binds_nothing_is_reported(string name)
    {
        var arm = Templates.Arm.DeepClone();
        BaseAppSettings(arm).Add(new JsonObject { ["name"] = name, ["value"] = "x" });

        var findings = ArmChecks.AppSettingsBindOptions(arm, Templates.Options);

        Assert.Contains(findings, f => f.Contains(name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Aws__AccountRoleArns__123456789012")] // dictionary entry
    [InlineData("GitHub__AppId")] // declared on the base class GitHubHostOptions
    [InlineData("GitHub__AppPrivateKeySecretName")]
    [InlineData("GitHub__InstallationIds__my-org")] // inherited dictionary
    [InlineData("GitHub__TokenCacheTtl")] // declared on GitHubOptions itself
    [InlineData("GitHub__Enterprise__0__ApiBaseUrl")] // list element's property
    [InlineData("GitHub__Enterprise__12__AppId")]
    [InlineData("GitHub__Enterprise__1__InstallationIds__my-org")] // dictionary inside a list element
    [InlineData("GitHub__Enterprise__0__ConnectionArns__3")] // list inside a list element
    [InlineData("Ledger__RetentionDays")]
    public void A_setting_that_binds_a_property_is_accepted(string name)
    {
        var arm = Templates.Arm.DeepClone();
        BaseAppSettings(arm).Add(new JsonObject { ["name"] = name, ["value"] = "1" });

        Assert.Empty(ArmChecks.AppSettingsBindOptions(arm, Templates.Options));
    }

    [Fact]
    public void A_setting_whose_name_is_built_with_format_is_read_and_checked()
    {
        var arm = Templates.Arm.DeepClone();
        Arm.FunctionAppTemplates(arm).Single()["variables"]!["mutatedEnterpriseSettings"] =
            "[map(range(0, 2), lambda('n', createObject('name', format('GitHub__Enterprise__{0}__ApiBaseUrI', lambdaVariables('n')), 'value', 'https://ghe.example.com/api/v3')))]";

        Assert.Contains(Arm.AppSettings(arm), s => s.Name == "GitHub__Enterprise__0__ApiBaseUrI");
        Assert.Contains(ArmChecks.AppSettingsBindOptions(arm, Templates.Options), f => f.Contains("GitHub__Enterprise__0__ApiBaseUrI", StringComparison.Ordinal));
    }

    /// <summary>The literal app settings array of the function app's template (a Bicep variable).</summary>
    private static JsonArray BaseAppSettings(JsonNode arm)
    {
        var appTemplate = Arm.FunctionAppTemplates(arm).Single();
        return appTemplate["variables"]!.AsObject()
            .Select(kv => kv.Value)
            .OfType<JsonArray>()
            .Single(a => a.OfType<JsonObject>().Any(o => o["name"]?.GetValue<string>() == "KeyVault__VaultUri"));
    }

    // ---------------------------------------------------------------- CloudFormation

    [Fact]
    public void A_service_wildcard_action_on_the_bridge_role_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        BridgeStatement(cfn)["Action"] = new JsonArray("codepipeline:GetPipelineExecution", "codepipeline:*");

        Assert.Contains(CfnChecks.NoWildcardActions(cfn), f => f.Contains("codepipeline:*", StringComparison.Ordinal));
        Assert.NotEmpty(CfnChecks.BridgeRoleReadsPipelineExecutionsOnly(cfn));
    }

    [Fact]
    public void A_star_action_in_a_JSON_string_trust_policy_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        var sub = EntraTrustPolicy(cfn);
        sub[0] = sub[0]!.GetValue<string>().Replace("\"sts:AssumeRoleWithWebIdentity\"", "\"*\"", StringComparison.Ordinal);

        Assert.Contains(CfnChecks.NoWildcardActions(cfn), f => f.Contains("\"*\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wildcard_in_an_Fn_If_branch_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        BridgeStatement(cfn)["Action"] = new JsonObject
        {
            ["Fn::If"] = new JsonArray("AllPipelines", "codepipeline:Get*", "codepipeline:GetPipelineExecution"),
        };

        Assert.NotEmpty(CfnChecks.NoWildcardActions(cfn));
    }

    [Fact]
    public void An_extra_action_on_the_bridge_role_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        BridgeStatement(cfn)["Action"] = new JsonArray("codepipeline:GetPipelineExecution", "codepipeline:StartPipelineExecution");

        Assert.Contains(CfnChecks.BridgeRoleReadsPipelineExecutionsOnly(cfn), f => f.Contains("StartPipelineExecution", StringComparison.Ordinal));
    }

    [Fact]
    public void A_star_resource_on_the_bridge_role_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        BridgeStatement(cfn)["Resource"] = "*";

        Assert.NotEmpty(CfnChecks.BridgeRoleReadsPipelineExecutionsOnly(cfn));
    }

    [Fact]
    public void A_web_identity_trust_without_sub_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        var sub = EntraTrustPolicy(cfn);
        sub[0] = sub[0]!.GetValue<string>().Replace("/:sub\"", "/:oid\"", StringComparison.Ordinal);

        Assert.NotEmpty(CfnChecks.BridgeRoleReadsPipelineExecutionsOnly(cfn));
    }

    [Fact]
    public void An_extra_action_on_the_target_role_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        var statement = cfn["Resources"]!["TargetRole"]!["Properties"]!["Policies"]![0]!["PolicyDocument"]!["Statement"]![0]!;
        statement["Action"] = new JsonArray("events:InvokeApiDestination", "sqs:SendMessage");

        Assert.NotEmpty(CfnChecks.TargetRoleInvokesApiDestinationOnly(cfn));
    }

    [Theory]
    [InlineData("RetryPolicy")]
    [InlineData("DeadLetterConfig")]
    [InlineData("RoleArn")]
    public void A_rule_target_without_its_safety_net_is_reported(string property)
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["NamedPipelinesRule"]!["Properties"]!["Targets"]![0]!.AsObject().Remove(property);

        Assert.Contains(CfnChecks.RuleTargetsRetryAndDeadLetter(cfn), f => f.Contains(property, StringComparison.Ordinal));
    }

    [Fact]
    public void A_queue_policy_without_the_rule_condition_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["DeadLetterQueuePolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]![0]!.AsObject().Remove("Condition");

        Assert.NotEmpty(CfnChecks.DeadLetterQueuePolicyScopedToRules(cfn));
    }

    [Fact]
    public void A_queue_policy_conditioned_on_something_else_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["DeadLetterQueuePolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]![0]!["Condition"]!["ArnEquals"]!["aws:SourceArn"] =
            new JsonObject { ["Fn::Sub"] = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*" };

        Assert.NotEmpty(CfnChecks.DeadLetterQueuePolicyScopedToRules(cfn));
    }

    [Fact]
    public void A_missing_alarm_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!.AsObject().Remove("DeadLetterQueueAlarm");

        Assert.NotEmpty(CfnChecks.DeadLetterQueueAlarmed(cfn));
    }

    [Fact]
    public void Another_API_key_header_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["ApiKeyConnection"]!["Properties"]!["AuthParameters"]!["ApiKeyAuthParameters"]!["ApiKeyName"] = "x-api-key";

        Assert.NotEmpty(CfnChecks.ConnectionsSendFunctionKey(cfn, Templates.FunctionKeyHeader));
    }

    [Fact]
    public void A_function_key_parameter_in_the_connection_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Parameters"]!["FunctionKey"] = new JsonObject { ["Type"] = "String", ["NoEcho"] = "true" };
        cfn["Resources"]!["ApiKeyConnection"]!["Properties"]!["AuthParameters"]!["ApiKeyAuthParameters"]!["ApiKeyValue"] = new JsonObject { ["Ref"] = "FunctionKey" };

        Assert.Contains(CfnChecks.FunctionKeyFromSecretsManager(cfn), f => f.Contains("FunctionKey", StringComparison.Ordinal));
    }

    [Fact]
    public void An_OAuth_connection_nothing_validates_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        var connection = cfn["Resources"]!["ApiKeyConnection"]!.DeepClone().AsObject();
        connection["Properties"]!["AuthorizationType"] = "OAUTH_CLIENT_CREDENTIALS";
        cfn["Resources"]!["OAuthConnection"] = connection;

        Assert.Contains(CfnChecks.ConnectionsAuthenticateWhatTheFunctionChecks(cfn, Templates.Arm), f => f.Contains("OAUTH_CLIENT_CREDENTIALS", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_conditional_roles_with_one_name_are_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        var role = cfn["Resources"]!["BridgeRole"]!.AsObject();
        var second = role.DeepClone().AsObject();
        role["Condition"] = "UseEntraOidc";
        second["Condition"] = "NamedPipelines";
        cfn["Resources"]!["BridgeRoleAwsPrincipal"] = second;

        var findings = CfnChecks.NamedRolesAreUnique(cfn);

        Assert.Contains(findings, f => f.Contains("share RoleName", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("under Condition", StringComparison.Ordinal));
    }

    [Fact]
    public void A_placeholder_thumbprint_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["EntraOidcProvider"]!["Properties"]!["ThumbprintList"] = new JsonArray(new string('f', 40));

        var findings = CfnChecks.OidcProviderWithoutPlaceholderThumbprints(cfn);

        Assert.Contains(findings, f => f.Contains("ThumbprintList is set", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("placeholder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EntraTenantId")]
    [InlineData("EntraAudience")]
    [InlineData("ManagedIdentityPrincipalId")]
    [InlineData("TrustedPrincipalArn")]
    [InlineData("ExternalId")]
    public void A_trust_parameter_no_Rule_refuses_empty_is_reported(string parameter)
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        foreach (var (_, rule) in cfn["Rules"]!.AsObject())
        {
            var assertions = rule!["Assertions"]!.AsArray();
            foreach (var assertion in assertions.Where(a => a!.ToJsonString().Contains($"{{\"Ref\":\"{parameter}\"}}", StringComparison.Ordinal)).ToList())
            {
                assertions.Remove(assertion);
            }
        }

        Assert.Contains(CfnChecks.TrustModeParametersRequired(cfn), f => f.Contains($"empty {parameter}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_default_audience_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Parameters"]!["EntraAudience"]!["Default"] = "api://codepipeline-github-bridge";

        Assert.Contains(CfnChecks.TrustModeParametersRequired(cfn), f => f.Contains("EntraAudience defaults to", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_pipeline_on_an_empty_list_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Conditions"]!["EveryPipeline"] = new JsonObject { ["Fn::Equals"] = new JsonArray(new JsonObject { ["Ref"] = "PipelineNames" }, "") };

        Assert.Contains(CfnChecks.EveryPipelineOnlyWhenAskedFor(cfn), f => f.Contains("condition EveryPipeline", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_pipeline_list_no_Rule_refuses_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Rules"]!.AsObject().Remove("NamedPipelinesNeedNames");

        Assert.Contains(CfnChecks.EveryPipelineOnlyWhenAskedFor(cfn), f => f.Contains("empty PipelineNames", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_retry_alarm_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!.AsObject().Remove("RetryAlarm");

        Assert.Contains(CfnChecks.RetriesAlarmed(cfn), f => f.Contains("no alarm on AWS/Events RetryInvocationAttempts", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EvaluationPeriods", "1")]
    [InlineData("DatapointsToAlarm", "1")]
    [InlineData("Threshold", "10")]
    [InlineData("Statistic", "Average")]
    public void A_retry_alarm_that_is_not_sustained_or_misses_retries_is_reported(string property, string value)
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["RetryAlarm"]!["Properties"]![property] = value;

        Assert.NotEmpty(CfnChecks.RetriesAlarmed(cfn));
    }

    [Fact]
    public void A_retry_alarm_on_another_rule_is_reported()
    {
        var cfn = (JsonObject)Templates.Bridge.DeepClone();
        cfn["Resources"]!["RetryAlarm"]!["Properties"]!["Dimensions"]![0]!["Value"] = new JsonObject { ["Ref"] = "AllPipelinesRule" };

        Assert.Contains(CfnChecks.RetriesAlarmed(cfn), f => f.Contains("rule NamedPipelinesRule", StringComparison.Ordinal));
    }

    /// <summary>The Entra ID branch of the bridge role's trust policy: the JSON string in Fn::Sub.</summary>
    private static JsonArray EntraTrustPolicy(JsonObject cfn) =>
        cfn["Resources"]!["BridgeRole"]!["Properties"]!["AssumeRolePolicyDocument"]!["Fn::If"]![1]!["Fn::Sub"]!.AsArray();

    /// <summary>The bridge's permission statement (AWS::IAM::Policy attached to the bridge role).</summary>
    private static JsonObject BridgeStatement(JsonObject cfn)
    {
        var role = CfnChecks.BridgeRoles(cfn).First();
        var statement = Cfn.PermissionStatements(cfn, role).First();
        return statement.Statement;
    }
}
