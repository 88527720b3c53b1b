using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bridge.Adapters.Configuration;
using Bridge.Functions.Tests.Support;
using Bridge.Infra.Tests.Support;

namespace Bridge.Functions.Tests.Contract;

/// <summary>
/// What the deployment hands the function app, checked against what the app reads, by running it: the app settings
/// infra-bicep/main.bicep gives the site (computed from main.bicepparam the way <c>az deployment</c> would, with
/// docs/deploy.md's BRIDGE_* variables), with the resources the deployment creates replaced by loopback fakes, start
/// the published worker with exactly those settings (plus what the platform adds), and send it health and one event.
/// </summary>
public static partial class SettingsContract
{
    public const string IdentityClientId = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    public const string VaultUri = "https://kv-cpbridge-tests.vault.azure.net/";
    public const string AwsAccessKeyId = "AKIACONTRACTTEST0001";
    public const string AwsSecretAccessKey = "contract/SECRET+key/for/the/settings/test";

    /// <summary>
    /// Settings the app never binds to an options class but that something in the process or on the platform reads.
    /// Each entry says who reads it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PlatformSettings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage__accountName"] = "the Functions host: its storage (timers' leases, keys), through the identity",
        ["AzureWebJobsStorage__credential"] = "the Functions host: identity-based host storage",
        ["AzureWebJobsStorage__clientId"] = "the Functions host: which user-assigned identity reaches host storage",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the Functions host and the worker's telemetry exporter",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "the Functions host: Entra ID auth to Application Insights (local auth is off)",
        ["AZURE_CLIENT_ID"] = "DefaultAzureCredential (Key Vault, Table Storage, secretless AWS): the user-assigned identity",
        ["AWS_REGION"] = "the AWS SDK's region chain (STS endpoint)",
        ["AWS_ACCESS_KEY_ID"] = "the AWS SDK's environment credentials (TrustMode=AwsPrincipal base key)",
        ["AWS_SECRET_ACCESS_KEY"] = "the AWS SDK's environment credentials (TrustMode=AwsPrincipal base key)",
        ["FUNCTIONS_WORKER_RUNTIME"] = "the Functions host: which language worker to start",
    };

    /// <summary>The environment for <c>bicep build-params</c>: docs/deploy.md's variables, pointed at the fakes.</summary>
    public static Dictionary<string, string> DeployEnvironment(Upstreams upstreams) => new()
    {
        ["BRIDGE_GITHUB_API_BASE_URL"] = upstreams.GitHub.ApiAddress.ToString().TrimEnd('/'),
        ["BRIDGE_AWS_ROLE_ARN"] = WorkerFixture.RoleArn,
        ["BRIDGE_AWS_REGION"] = WorkerFixture.Region,
        ["BRIDGE_AWS_BASE_CREDENTIALS_IN_KEY_VAULT"] = "true",
    };

    /// <summary>What the deployment's modules output, as the fakes stand in for them.</summary>
    public static JsonNode? ModuleOutput(string module, string output) => (module, output) switch
    {
        ("identity", "clientId") => IdentityClientId,
        ("identity", "principalId") => "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
        ("identity", "id") => "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bridge-tests/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cpbridge",
        ("storage", "name") => "stcpbridgetests",
        ("storage", "deploymentContainerUrl") => "https://stcpbridgetests.blob.core.windows.net/app-package",
        ("storage", "tableEndpoint") => "https://stcpbridgetests.table.core.windows.net/",
        ("storage", "ledgerTableName") => "statusledger",
        ("monitoring", "appInsightsConnectionString") => "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/",
        ("monitoring", "appInsightsName") => "appi-cpbridge",
        ("keyVault", "vaultUri") => VaultUri,
        ("keyVault", "name") => "kv-cpbridge-tests",
        // reference() lists every output; one without a stand-in shows up by this text if a setting ever uses it.
        _ => $"<no stand-in for output {output} of module {module}>",
    };

    /// <summary>The function app's app settings and runtime, as the deployment would set them.</summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> AppSettings, string Runtime) Deploy(JsonNode template, IReadOnlyDictionary<string, string> environment)
    {
        var parameters = BicepCompiler.BuildParams(RepoPaths.MainBicepParam, environment);
        var main = new ArmEvaluator(template.AsObject(), parameters.ToDictionary(p => p.Key, p => p.Value), ModuleOutput);
        var app = main.Nested("functionApp");
        var (_, site) = app.Resources().Single(r => (string?)r.Resource["type"] == "Microsoft.Web/sites");
        var settings = app.Evaluate(site["properties"]!["siteConfig"]!["appSettings"])!.AsArray()
            .Select(s => (string)s!["value"]! is var v && v.Contains("<no stand-in", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"App setting {s["name"]} = {v}")
                : s)
            .Select(s => KeyValuePair.Create((string)s!["name"]!, (string)s["value"]!))
            .ToList();
        return (settings, (string)app.Evaluate(site["properties"]!["functionAppConfig"]!["runtime"]!["name"])!);
    }

    /// <summary>Names the app reads nowhere: neither an options property nor a platform setting.</summary>
    public static IEnumerable<string> UnreadSettings(IEnumerable<string> names)
    {
        var catalog = new OptionsCatalog([typeof(GitHubOptions).Assembly]);
        foreach (var name in names)
        {
            if (PlatformSettings.ContainsKey(name)) continue;
            if (catalog.Explain(name.Split("__")) is { } why)
                yield return $"Bicep sets {name}, which the app never reads: {why}";
        }
    }

    /// <summary>
    /// The environment the platform gives the worker: the app settings with Key Vault references resolved (as App
    /// Service does with keyVaultReferenceIdentity), FUNCTIONS_WORKER_RUNTIME from functionAppConfig.runtime, the
    /// loopback redirects, and the test's overrides, each with its reason.
    /// </summary>
    public static Dictionary<string, string> WorkerEnvironment(IEnumerable<KeyValuePair<string, string>> appSettings, string runtime, Upstreams upstreams, IReadOnlyDictionary<string, string> vault)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in appSettings)
        {
            var reference = KeyVaultReference().Match(value);
            if (!reference.Success) { env[name] = value; continue; }
            var secretUri = reference.Groups["uri"].Value;
            if (!secretUri.StartsWith(VaultUri + "secrets/", StringComparison.Ordinal) || !vault.TryGetValue(secretUri[(VaultUri.Length + "secrets/".Length)..].TrimEnd('/'), out var secret))
                throw new InvalidOperationException($"{name} references {secretUri}, which the deployment's vault does not hold.");
            env[name] = secret;
        }
        env["FUNCTIONS_WORKER_RUNTIME"] = runtime;

        // Loopback redirects, as DNS would: the AWS SDK's endpoint overrides, and github.com's revisions served by the fake.
        env["AWS_ENDPOINT_URL_CODEPIPELINE"] = upstreams.CodePipeline.BaseAddress.ToString();
        env["AWS_ENDPOINT_URL_STS"] = upstreams.Sts.BaseAddress.ToString();
        env["GitHub__Host"] = "github.com";

        // Overrides. The fake Key Vault speaks HTTPS with a certificate only an in-process handler trusts, so the
        // worker gets the token the vault would hold directly instead of KeyVault__VaultUri + GitHub__TokenSecretName.
        if (env.Remove("KeyVault__VaultUri") && env.Remove("GitHub__TokenSecretName"))
            env["GitHub__Token"] = TestSecrets.GitHubToken;
        // No Table Storage fake: the ledger runs in memory (one instance, which is all this test starts).
        env.Remove("Ledger__TableServiceUri");
        // The deployed APPLICATIONINSIGHTS_CONNECTION_STRING stays: its ingestion endpoint (127.0.0.1:9) never answers, so
        // the worker must start and answer while its exporter cannot deliver. The exporter's own usage reporting is
        // turned off so that nothing it sends can leave the loopback (it would look up the VM's metadata elsewhere).
        env["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true";
        return env;
    }

    /// <summary>Start the published worker with this environment, ask for health and send one event: what went wrong, if anything.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string publishDirectory, IReadOnlyDictionary<string, string> environment, Upstreams upstreams)
    {
        var findings = new List<string>();
        await using var host = await FunctionsHost.StartAsync();
        await using var worker = WorkerProcess.Start(publishDirectory, host.GrpcUri, environment);
        var connected = await Task.WhenAny(host.Channel.Started, worker.Exited, Task.Delay(WorkerFixture.StartTimeout));
        if (connected != host.Channel.Started)
            return [$"the worker did not start: {Tail(worker)}"];
        try
        {
            await host.InitializeWorkerAsync(publishDirectory);
        }
        catch (Exception e)
        {
            return [$"the worker's start-up handshake failed ({e.Message}): {Tail(worker)}"];
        }

        try
        {
            using var client = new HttpClient(host.CreateFrontDoor(TestSecrets.FunctionKey)) { BaseAddress = new Uri("http://bridge-functions.test/"), Timeout = TimeSpan.FromSeconds(60) };
            using (var health = await client.GetAsync("api/health"))
                if (health.StatusCode != HttpStatusCode.OK) findings.Add($"GET /api/health answered {(int)health.StatusCode}: {await health.Content.ReadAsStringAsync()}");

            using (var answer = await client.SendAsync(Requests.Sample("01-web-app.github-v1.started.json")))
                if (answer.StatusCode != HttpStatusCode.OK) findings.Add($"the event was answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            if (!upstreams.Statuses.Any(s => s.OwnerRepo == "octo-org/web-app" && s.State == "pending"))
                findings.Add("no commit status reached GitHub");
            // The deployed connection string engages the Azure Monitor exporter (ingestion never answers here, so only
            // the loaded exporter shows it); the answers above show it did not hold up start-up or the event.
            if (OperatingSystem.IsLinux() && !File.ReadAllText($"/proc/{worker.Id}/maps").Contains("Azure.Monitor.OpenTelemetry.Exporter.dll", StringComparison.Ordinal))
                findings.Add("the worker did not load the Azure Monitor exporter, so nothing reaches Application Insights");
            var issued = upstreams.CodePipeline.Signers.Where(s => upstreams.Sts.LookupIssued(s.AccessKeyId) is not null).ToList();
            if (issued.Count == 0)
                findings.Add($"CodePipeline was not called with credentials of the assumed role (signers: {string.Join(", ", upstreams.CodePipeline.Signers.Select(s => s.AccessKeyId))})");
        }
        catch (HttpRequestException e)
        {
            findings.Add($"the worker did not answer ({e.Message}){(worker.HasExited ? ", it exited" : "")}");
        }

        await host.TerminateWorkerAsync(TimeSpan.FromSeconds(2));
        if (findings.Count > 0) findings.Add("worker output: " + Tail(worker));
        return findings;
    }

    private static string Tail(WorkerProcess worker) => string.Join("\n", worker.Output.TakeLast(40));

    [GeneratedRegex(@"^@Microsoft\.KeyVault\(SecretUri=(?<uri>[^)]+)\)$")]
    private static partial Regex KeyVaultReference();
}
