using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Aws;
using Bridge.Host;
using Bridge.Host.Sandbox;
using Bridge.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Bridge.Tests.Support;

/// <summary>What a test wants of the bridge it drives.</summary>
public sealed class HarnessOptions
{
    /// <summary>Read the GitHub token from the fake Key Vault (over HTTPS, with its 401 challenge) instead of configuration.</summary>
    public bool UseKeyVault { get; set; }

    /// <summary>Table Storage connection string for the ledger; null keeps it in memory.</summary>
    public string? TablesConnectionString { get; set; }

    public string? TableName { get; set; }

    /// <summary>Assume this role through the fake STS; null uses the base credentials directly.</summary>
    public string? RoleArn { get; set; } = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";

    public Dictionary<string, string?> Settings { get; } = new();

    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>The fakes' clock (credential and token expiry), to share a fake clock with the bridge.</summary>
    public TimeProvider UpstreamClock { get; set; } = TimeProvider.System;
}

/// <summary>
/// The Kestrel host on 127.0.0.1 wired to loopback fakes of STS, CodePipeline, Key Vault and GitHub, with every log
/// line captured. Tests drive it over real HTTP, as EventBridge would.
/// </summary>
public sealed class BridgeHarness : IAsyncDisposable
{
    private BridgeHarness(TimeProvider clock)
    {
        var options = new LoopbackServerOptions { TimeProvider = clock };
        (GitHub, CodePipeline, Sts, KeyVault) = (new(options), new(options, TestEvents.Account), new(options, TestEvents.Account), new(options));
    }

    public FakeGitHub GitHub { get; }
    public FakeCodePipeline CodePipeline { get; }
    public FakeSts Sts { get; }
    public FakeKeyVault KeyVault { get; }
    public StaticTokenCredential AzureCredential { get; } = new();
    public WebApplication App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public FakeLogCollector Logs { get; private set; } = null!;

    /// <summary>The configuration the host was given, so another host (the Function class) can be wired the same way.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public LoopbackServer[] Upstreams => [GitHub, CodePipeline, Sts, KeyVault];

    public static async Task<BridgeHarness> StartAsync(Action<HarnessOptions>? configure = null)
    {
        var options = new HarnessOptions();
        configure?.Invoke(options);
        var h = new BridgeHarness(options.UpstreamClock);
        await Task.WhenAll(h.GitHub.StartAsync(), h.CodePipeline.StartAsync(), h.Sts.StartAsync(), h.KeyVault.StartAsync());
        h.GitHub.AcceptToken(TestSecrets.GitHubToken);
        h.KeyVault.SetSecret("github-token", TestSecrets.GitHubToken);

        var settings = LoopbackWiring.Settings(h.GitHub, h.CodePipeline, h.Sts, TestEvents.Region);
        settings["Urls"] = "http://127.0.0.1:0";
        settings["Bridge:FunctionKey"] = TestSecrets.FunctionKey;
        settings["GitHub:MaxWritesPerMinute"] = "100000";
        settings["Aws:RoleArn"] = options.RoleArn;
        settings["Ledger:ConnectionString"] = options.TablesConnectionString;
        settings["Ledger:TableName"] = options.TableName;
        settings["Logging:LogLevel:Default"] = "Information";
        if (options.UseKeyVault) settings["KeyVault:VaultUri"] = h.KeyVault.BaseAddress.ToString();
        else settings["GitHub:Token"] = TestSecrets.GitHubToken;
        foreach (var (k, v) in options.Settings) settings[k] = v;
        h.Settings = settings;

        h.App = BridgeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddFakeLogging();
            builder.Services.AddSingleton(new AwsBaseCredentials(() => new BasicAWSCredentials(TestSecrets.BaseAccessKeyId, TestSecrets.BaseSecretAccessKey)));
            builder.Services.AddSingleton<TokenCredential>(h.AzureCredential);
            builder.Services.AddSingleton(new SecretClientOptions
            {
                // The fake vault is on 127.0.0.1, not *.vault.azure.net; its certificate is trusted by thumbprint only.
                DisableChallengeResourceVerification = true,
                Transport = new HttpClientTransport(h.KeyVault.CreateTrustingHandler()),
                Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10), NetworkTimeout = TimeSpan.FromSeconds(2) },
            });
            options.Services?.Invoke(builder.Services);
        });
        await h.App.StartAsync();
        var address = h.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        h.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        h.Logs = h.App.Services.GetFakeLogCollector();
        return h;
    }

    /// <summary>Adds the executions of samples/executions.json to the fake CodePipeline.</summary>
    public void SeedSampleExecutions() => CodePipeline.SeedFrom(Path.Combine(TestEvents.SamplesDirectory, "executions.json"));

    public Task<HttpResponseMessage> PostAsync(JsonNode e, string? key = TestSecrets.FunctionKey) => PostAsync(Encoding.UTF8.GetBytes(e.ToJsonString()), key);

    public Task<HttpResponseMessage> PostSampleAsync(string file) => PostAsync(TestEvents.Sample(file));

    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? key = TestSecrets.FunctionKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/codepipeline-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", "Amazon/EventBridge/ApiDestinations");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return await Client.SendAsync(request);
    }

    /// <summary>Every captured log line with its structured state and exception, as one searchable text.</summary>
    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(r =>
        $"{r.Level} {r.Category} {r.Message} {string.Join(",", r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} {r.Exception}"));

    public int UpstreamRequestCount => Upstreams.Sum(u => u.RequestCount);

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (App is not null) await App.DisposeAsync();
        foreach (var u in Upstreams) await u.DisposeAsync();
    }
}
