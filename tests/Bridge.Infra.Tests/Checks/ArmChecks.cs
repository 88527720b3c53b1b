using System.Text.Json.Nodes;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests.Checks;

/// <summary>
/// Security checks over the compiled ARM template. Each returns findings (empty = pass), so a test
/// can run it on the real template and on a mutated copy to show the check can fail.
/// </summary>
internal static class ArmChecks
{
    public const string KeyVaultSecretsUserRoleId = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string StorageTableDataContributorRoleId = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string StorageBlobDataOwnerRoleId = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string MonitoringMetricsPublisherRoleId = "3913510d-42f4-4e42-8a64-420c390055eb";

    /// <summary>Storage accepts Entra ID only: <c>allowSharedKeyAccess</c> is literally false.</summary>
    public static IReadOnlyList<string> StorageSharedKeyDisabled(JsonNode template)
    {
        var findings = new List<string>();
        var accounts = Arm.OfType(template, "Microsoft.Storage/storageAccounts").ToList();
        if (accounts.Count == 0)
        {
            findings.Add("no storage account in the template");
        }

        foreach (var account in accounts)
        {
            if (!IsFalse(account.Properties?["allowSharedKeyAccess"]))
            {
                findings.Add($"{account}: allowSharedKeyAccess is {Show(account.Properties?["allowSharedKeyAccess"])}, expected false");
            }

            if (!IsFalse(account.Properties?["allowBlobPublicAccess"]))
            {
                findings.Add($"{account}: allowBlobPublicAccess is {Show(account.Properties?["allowBlobPublicAccess"])}, expected false");
            }

            if (Text(account.Properties?["minimumTlsVersion"]) != "TLS1_2")
            {
                findings.Add($"{account}: minimumTlsVersion is {Show(account.Properties?["minimumTlsVersion"])}, expected TLS1_2");
            }
        }

        return findings;
    }

    /// <summary>No secret in the app settings: no account keys, SAS, listKeys() or connection strings.</summary>
    public static IReadOnlyList<string> AppSettingsHoldNoSecrets(JsonNode template)
    {
        var findings = new List<string>();
        var settings = Arm.AppSettings(template);
        foreach (var setting in settings)
        {
            foreach (var marker in new[] { "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "sig=", "Password=", "listKeys(", "listkeys(", "DefaultEndpointsProtocol=" })
            {
                if (setting.Value.Contains(marker, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add($"app setting {setting.Name} holds a secret ({marker}): {setting.Value}");
                }
            }

            // The Application Insights connection string is an ingestion address (local auth is
            // disabled); any other *connection string* setting would carry a key.
            var isConnectionString = setting.Name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
                || setting.Name.Contains("CONNECTION_STRING", StringComparison.OrdinalIgnoreCase);
            if (isConnectionString && setting.Name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                findings.Add($"app setting {setting.Name} is a connection string; use identity-based settings");
            }

            // A setting named like a credential must be a Key Vault reference, not the credential.
            var looksLikeCredential = new[] { "SECRET", "PASSWORD", "ACCESS_KEY", "ACCESSKEY", "TOKEN", "APIKEY", "API_KEY" }
                .Any(suffix => setting.Name.Replace("__", "_", StringComparison.Ordinal).EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
            if (looksLikeCredential && !setting.Value.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal))
            {
                findings.Add($"app setting {setting.Name} holds a credential; use a Key Vault reference");
            }

            if (setting.Name.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add("app setting AzureWebJobsStorage is a connection string; use AzureWebJobsStorage__* with the managed identity");
            }
        }

        foreach (var appTemplate in Arm.FunctionAppTemplates(template))
        {
            if (Arm.Strings(appTemplate).Any(s => s.Contains("listKeys(", StringComparison.OrdinalIgnoreCase)))
            {
                findings.Add("the function app's template calls listKeys()");
            }
        }

        return findings;
    }

    /// <summary>Host storage, Application Insights and Azure SDK clients use the user-assigned identity.</summary>
    public static IReadOnlyList<string> IdentityBasedConnections(JsonNode template)
    {
        var findings = new List<string>();
        var settings = Arm.AppSettings(template).ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);

        Expect("AzureWebJobsStorage__credential", v => v == "managedidentity", "managedidentity");
        Expect("AzureWebJobsStorage__clientId", v => v.Length > 0, "the identity's client id");
        Expect("AZURE_CLIENT_ID", v => v.Length > 0, "the identity's client id");
        Expect("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", v => v.Contains("Authorization=AAD", StringComparison.Ordinal) && v.Contains("ClientId=", StringComparison.Ordinal), "Authorization=AAD;ClientId=...");
        Expect("KeyVault__VaultUri", v => v.Length > 0, "the vault URI");

        foreach (var component in Arm.OfType(template, "Microsoft.Insights/components"))
        {
            if (!IsTrue(component.Properties?["DisableLocalAuth"]))
            {
                findings.Add($"{component}: DisableLocalAuth is {Show(component.Properties?["DisableLocalAuth"])}, expected true");
            }
        }

        if (!RoleAssignments(template, MonitoringMetricsPublisherRoleId).Any())
        {
            findings.Add("no Monitoring Metrics Publisher role assignment (telemetry with Entra ID auth)");
        }

        if (!RoleAssignments(template, StorageBlobDataOwnerRoleId).Any())
        {
            findings.Add("no Storage Blob Data Owner role assignment (host storage and deployment container)");
        }

        return findings;

        void Expect(string name, Func<string, bool> ok, string expected)
        {
            if (!settings.TryGetValue(name, out var value))
            {
                findings.Add($"app setting {name} is missing (expected {expected})");
            }
            else if (!ok(value))
            {
                findings.Add($"app setting {name} = {value}, expected {expected}");
            }
        }
    }

    /// <summary>Key Vault authorises with RBAC only.</summary>
    public static IReadOnlyList<string> KeyVaultUsesRbac(JsonNode template)
    {
        var findings = new List<string>();
        var vaults = Arm.OfType(template, "Microsoft.KeyVault/vaults").ToList();
        if (vaults.Count == 0)
        {
            findings.Add("no Key Vault in the template");
        }

        foreach (var vault in vaults)
        {
            if (!IsTrue(vault.Properties?["enableRbacAuthorization"]))
            {
                findings.Add($"{vault}: enableRbacAuthorization is {Show(vault.Properties?["enableRbacAuthorization"])}, expected true");
            }

            if (vault.Properties?["accessPolicies"] is JsonArray { Count: > 0 })
            {
                findings.Add($"{vault}: has access policies; RBAC only");
            }
        }

        return findings;
    }

    /// <summary>Key Vault Secrets User is granted on a vault declared next to it, not on a wider scope.</summary>
    public static IReadOnlyList<string> KeyVaultSecretsUserScopedToVault(JsonNode template) =>
        RoleScopedTo(template, KeyVaultSecretsUserRoleId, "Key Vault Secrets User", "Microsoft.KeyVault/vaults");

    /// <summary>Storage Table Data Contributor is granted on the ledger's table only.</summary>
    public static IReadOnlyList<string> LedgerTableRoleScopedToTable(JsonNode template) =>
        RoleScopedTo(template, StorageTableDataContributorRoleId, "Storage Table Data Contributor", "Microsoft.Storage/storageAccounts/tableServices/tables");

    /// <summary>
    /// Storage Blob Data Owner (host storage, deployment package) is granted on a storage account
    /// declared next to it, not on the resource group (where it would reach every account in it).
    /// </summary>
    public static IReadOnlyList<string> BlobDataOwnerScopedToStorageAccount(JsonNode template) =>
        RoleScopedTo(template, StorageBlobDataOwnerRoleId, "Storage Blob Data Owner", "Microsoft.Storage/storageAccounts");

    /// <summary>
    /// The ledger table is created by the template, and the app is told so (<c>Ledger__TableProvisioned</c>
    /// = true), so it never needs Create Table, which its table-scoped role does not grant.
    /// </summary>
    public static IReadOnlyList<string> LedgerTableProvisioned(JsonNode template)
    {
        var findings = new List<string>();
        if (!Arm.OfType(template, "Microsoft.Storage/storageAccounts/tableServices/tables").Any())
        {
            findings.Add("the template creates no table: the ledger would have to create its own (Create Table is not in its table-scoped role)");
        }

        var setting = Arm.AppSettings(template).FirstOrDefault(s => s.Name == LedgerTableProvisionedSetting);
        if (setting is null)
        {
            findings.Add($"app setting {LedgerTableProvisionedSetting} is missing (expected true: the table exists, do not create it)");
        }
        else if (setting.Value != "true")
        {
            findings.Add($"app setting {LedgerTableProvisionedSetting} = {setting.Value}, expected true");
        }

        return findings;
    }

    /// <summary>Tells the app the ledger table was created by the deployment (bound by the app side's LedgerOptions).</summary>
    public const string LedgerTableProvisionedSetting = "Ledger__TableProvisioned";

    private static List<string> RoleScopedTo(JsonNode template, string roleId, string roleName, string resourceType)
    {
        var findings = new List<string>();
        var assignments = RoleAssignments(template, roleId).ToList();
        if (assignments.Count == 0)
        {
            findings.Add($"no {roleName} role assignment");
        }

        foreach (var assignment in assignments)
        {
            var scope = Text(assignment.Resource["scope"]);
            if (scope is null)
            {
                findings.Add($"{assignment}: {roleName} has no scope, so it applies to the whole resource group");
                continue;
            }

            // The scope must name a resource of that type declared in the same template.
            var candidates = assignment.Template["resources"] is null
                ? []
                : Arm.Resources(assignment.Template)
                    .Where(r => r.Template == assignment.Template
                        && string.Equals(r.Type, resourceType, StringComparison.OrdinalIgnoreCase))
                    .ToList();
            if (!candidates.Any(r => ScopeForms(resourceType, r.Name).Contains(scope)))
            {
                findings.Add($"{assignment}: {roleName} scope is {scope}, expected a {resourceType} declared in the same template");
            }
        }

        return findings;
    }

    /// <summary>How Bicep writes <c>scope: someResource</c> for a resource of that type and name.</summary>
    private static HashSet<string> ScopeForms(string resourceType, string name)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        var segments = resourceType.Split('/');
        var typeSegments = segments.Skip(1).ToArray();
        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            // name "[format('{0}/{1}/{2}', a, b, c)]" or "[parameters('x')]"
            var inner = name[1..^1];
            var nameArguments = inner.StartsWith("format('", StringComparison.Ordinal)
                ? SplitFormatArguments(inner)
                : [inner];
            if (nameArguments.Count == typeSegments.Length)
            {
                var pattern = segments[0] + "/" + string.Join("/", typeSegments.Select((t, i) => $"{t}/{{{i}}}"));
                forms.Add($"[format('{pattern}', {string.Join(", ", nameArguments)})]");
                forms.Add($"[resourceId('{resourceType}', {string.Join(", ", nameArguments)})]");
            }
        }
        else
        {
            var names = name.Split('/');
            if (names.Length == typeSegments.Length)
            {
                forms.Add(segments[0] + "/" + string.Join("/", typeSegments.Select((t, i) => $"{t}/{names[i]}")));
            }
        }

        return forms;
    }

    /// <summary>The arguments after the format string of "format('...', a, b)" (top-level commas only).</summary>
    private static List<string> SplitFormatArguments(string formatCall)
    {
        var body = formatCall["format(".Length..^1];
        var parts = new List<string>();
        var depth = 0;
        var inString = false;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\'')
            {
                inString = !inString;
            }
            else if (!inString && c == '(')
            {
                depth++;
            }
            else if (!inString && c == ')')
            {
                depth--;
            }
            else if (!inString && depth == 0 && c == ',')
            {
                parts.Add(body[start..i].Trim());
                start = i + 1;
            }
        }

        parts.Add(body[start..].Trim());
        return parts.Skip(1).ToList();
    }

    /// <summary>HTTPS only, TLS 1.2, no FTP, dotnet-isolated 10.0 on Flex Consumption, one always-ready HTTP instance.</summary>
    public static IReadOnlyList<string> FunctionAppHardened(JsonNode template)
    {
        var findings = new List<string>();
        var apps = Arm.OfType(template, "Microsoft.Web/sites").ToList();
        if (apps.Count == 0)
        {
            findings.Add("no function app in the template");
        }

        foreach (var app in apps)
        {
            var p = app.Properties;
            if (!IsTrue(p?["httpsOnly"]))
            {
                findings.Add($"{app}: httpsOnly is {Show(p?["httpsOnly"])}, expected true");
            }

            var siteConfig = p?["siteConfig"];
            if (Text(siteConfig?["minTlsVersion"]) != "1.2")
            {
                findings.Add($"{app}: siteConfig.minTlsVersion is {Show(siteConfig?["minTlsVersion"])}, expected 1.2");
            }

            if (Text(siteConfig?["ftpsState"]) != "Disabled")
            {
                findings.Add($"{app}: siteConfig.ftpsState is {Show(siteConfig?["ftpsState"])}, expected Disabled");
            }

            var config = p?["functionAppConfig"];
            var runtime = config?["runtime"];
            if (Text(runtime?["name"]) != "dotnet-isolated" || Text(runtime?["version"]) != "10.0")
            {
                findings.Add($"{app}: runtime is {Show(runtime)}, expected dotnet-isolated 10.0");
            }

            var alwaysReady = config?["scaleAndConcurrency"]?["alwaysReady"] as JsonArray;
            var http = alwaysReady?.OfType<JsonObject>().FirstOrDefault(a => Text(a["name"]) == "http");
            if (http is null || http["instanceCount"] is not JsonValue count || !count.TryGetValue<int>(out var n) || n != 1)
            {
                findings.Add($"{app}: always-ready for the http group is {Show(http)}, expected instanceCount 1");
            }

            var auth = config?["deployment"]?["storage"]?["authentication"];
            if (Text(auth?["type"]) != "UserAssignedIdentity")
            {
                findings.Add($"{app}: deployment storage authentication is {Show(auth)}, expected UserAssignedIdentity");
            }

            if (Text(app.Resource["identity"]?["type"]) != "UserAssigned")
            {
                findings.Add($"{app}: identity is {Show(app.Resource["identity"])}, expected UserAssigned");
            }
        }

        foreach (var plan in Arm.OfType(template, "Microsoft.Web/serverfarms"))
        {
            if (Text(plan.Resource["sku"]?["name"]) != "FC1")
            {
                findings.Add($"{plan}: sku is {Show(plan.Resource["sku"])}, expected FC1 (Flex Consumption)");
            }
        }

        return findings;
    }

    /// <summary>
    /// Every <c>{Section}__{Property}</c> app setting binds a public property of the options class
    /// whose <c>Section</c> constant is <c>Section</c> (exact case). Platform settings
    /// (<c>AzureWebJobsStorage__*</c> ...) are not the bridge's and are skipped.
    /// </summary>
    public static IReadOnlyList<string> AppSettingsBindOptions(JsonNode template, OptionsCatalog catalog)
    {
        var findings = new List<string>();
        foreach (var setting in Arm.AppSettings(template))
        {
            var parts = setting.Name.Split("__");
            if (parts.Length < 2 || OptionsCatalog.PlatformPrefixes.Contains(parts[0]))
            {
                continue;
            }

            var problem = catalog.Explain(parts);
            if (problem is null)
            {
                continue;
            }

            findings.Add($"app setting {setting.Name}: {problem}");
        }

        return findings;
    }

    /// <summary>Role assignments of a role definition (its GUID written inline or in a template variable).</summary>
    public static IEnumerable<ArmResource> RoleAssignments(JsonNode template, string roleId) =>
        Arm.OfType(template, "Microsoft.Authorization/roleAssignments")
            .Where(r => Arm.InlineVariables(Text(r.Properties?["roleDefinitionId"]) ?? "", r.Template)
                .Contains(roleId, StringComparison.OrdinalIgnoreCase));

    private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && !b;

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "missing";
}
