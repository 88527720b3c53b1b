using Amazon.Runtime;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Aws;
using Bridge.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Sandbox;

/// <summary>
/// The real bridge (<see cref="BridgeApp.Build"/>) on loopback, wired to fakes of GitHub, CodePipeline, STS and, when
/// asked, Key Vault. One place starts the fakes, points the bridge's standard settings at them (GitHub API base,
/// <c>AWS_ENDPOINT_URL_*</c>, vault URI), builds and starts the host and reads its address: the sandbox, the test harness
/// and the benchmark rig all start the bridge through <see cref="StartAsync"/>.
/// </summary>
public sealed class LoopbackBridge : IAsyncDisposable
{
    /// <summary>The Key Vault secret holding the GitHub token (the bridge's default <c>GitHub:TokenSecretName</c>).</summary>
    private const string GitHubTokenSecretName = "github-token";

    private const string DefaultFunctionKey = "sandbox-key";

    private LoopbackBridge(LoopbackBridgeOptions options)
    {
        GitHub = new FakeGitHub(options.Fakes);
        CodePipeline = new FakeCodePipeline(options.Fakes, options.AccountId);
        Sts = new FakeSts(options.Fakes, options.AccountId);
        KeyVault = options.UseKeyVault ? new FakeKeyVault(options.Fakes) : null;
        Upstreams = KeyVault is null ? [GitHub, CodePipeline, Sts] : [GitHub, CodePipeline, Sts, KeyVault];
    }

    public FakeGitHub GitHub { get; }

    public FakeCodePipeline CodePipeline { get; }

    public FakeSts Sts { get; }

    /// <summary>The fake vault the GitHub token is read from, or null unless <see cref="LoopbackBridgeOptions.UseKeyVault"/>.</summary>
    public FakeKeyVault? KeyVault { get; }

    /// <summary>Every fake this bridge started.</summary>
    public IReadOnlyList<LoopbackServer> Upstreams { get; }

    public WebApplication App { get; private set; } = null!;

    /// <summary>Where the bridge listens, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The x-functions-key the bridge accepts.</summary>
    public string FunctionKey { get; private set; } = null!;

    /// <summary>The configuration the bridge was given on top of its own, so another host (the Function app) can be wired the same way.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>Starts the fakes, then the bridge pointed at them. Dispose the result to stop both.</summary>
    public static async Task<LoopbackBridge> StartAsync(LoopbackBridgeOptions? options = null)
    {
        options ??= new LoopbackBridgeOptions();
        var bridge = new LoopbackBridge(options);
        try
        {
            await Task.WhenAll(bridge.Upstreams.Select(u => u.StartAsync())).ConfigureAwait(false);
            bridge.GitHub.AcceptToken(options.GitHubToken);
            bridge.KeyVault?.SetSecret(GitHubTokenSecretName, options.GitHubToken);

            bridge.App = BridgeApp.Build(options.Args, builder =>
            {
                var settings = bridge.Wiring(options, builder.Configuration["Bridge:FunctionKey"]);
                builder.Configuration.AddInMemoryCollection(settings);
                bridge.Settings = settings;
                bridge.AddServices(builder.Services, options);
                options.ConfigureHost?.Invoke(builder);
            });
            await bridge.App.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await bridge.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = bridge.App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        bridge.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        bridge.FunctionKey = bridge.App.Configuration["Bridge:FunctionKey"]!;
        return bridge;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync().ConfigureAwait(false);
        foreach (var upstream in Upstreams) await upstream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The same standard keys a real deployment sets, pointed at the fakes, then the caller's settings.</summary>
    private Dictionary<string, string?> Wiring(LoopbackBridgeOptions options, string? configuredFunctionKey)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Bridge:FunctionKey"] = options.FunctionKey ?? configuredFunctionKey ?? DefaultFunctionKey,
            ["GitHub:ApiBaseUrl"] = GitHub.ApiAddress.ToString(),
            // Revisions name github.com; the fake answers for it on 127.0.0.1.
            ["GitHub:Host"] = "github.com",
            ["GitHub:Token"] = KeyVault is null ? options.GitHubToken : null,
            ["KeyVault:VaultUri"] = KeyVault?.BaseAddress.ToString(),
            ["AWS_ENDPOINT_URL_CODEPIPELINE"] = CodePipeline.BaseAddress.ToString(),
            ["AWS_ENDPOINT_URL_STS"] = Sts.BaseAddress.ToString(),
            ["AWS_REGION"] = options.Region,
            ["Aws:RoleArn"] = options.RoleArn,
            ["Ledger:ConnectionString"] = options.TablesConnectionString,
            ["Ledger:TableName"] = options.TableName,
            ["Ledger:TableServiceUri"] = null,
        };
        if (options.Urls is { } urls) settings["Urls"] = urls;
        foreach (var (key, value) in options.Settings) settings[key] = value;
        return settings;
    }

    private void AddServices(IServiceCollection services, LoopbackBridgeOptions options)
    {
        var (keyId, secret) = (options.AwsAccessKeyId, options.AwsSecretAccessKey);
        services.AddSingleton(new AwsBaseCredentials(() => new BasicAWSCredentials(keyId, secret)));
        // Nothing here may reach Entra ID: the fake vault takes any bearer token.
        services.AddSingleton<TokenCredential>(new LoopbackTokenCredential());
        if (KeyVault is not null)
        {
            services.AddSingleton(new SecretClientOptions
            {
                // The fake vault is on 127.0.0.1, not *.vault.azure.net; its certificate is trusted by thumbprint only.
                DisableChallengeResourceVerification = true,
                Transport = new HttpClientTransport(KeyVault.CreateTrustingHandler()),
                Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10), NetworkTimeout = TimeSpan.FromSeconds(2) },
            });
        }
    }
}
