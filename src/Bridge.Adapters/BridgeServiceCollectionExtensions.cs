using System.Net;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Aws;
using Bridge.Adapters.Caching;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.GitHub;
using Bridge.Adapters.Health;
using Bridge.Adapters.KeyVault;
using Bridge.Adapters.Ledger;
using Bridge.Core.Events;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Bridge.Adapters;

/// <summary>Wires the handler to its adapters from configuration. Both hosts call this; tests and the sandbox replace single services.</summary>
public static partial class BridgeServiceCollectionExtensions
{
    public const string GitHubHttpClient = "github";

    public static IServiceCollection AddBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section));
        services.AddOptions<GitHubOptions>().Bind(configuration.GetSection(GitHubOptions.Section))
            .PostConfigure(o =>
            {
                foreach (var (_, h) in o.AllHosts())
                    (h.Host, h.Token, h.TokenSecretName, h.AppPrivateKey, h.AppPrivateKeySecretName) =
                        (Unset(h.Host), Unset(h.Token), Unset(h.TokenSecretName), Unset(h.AppPrivateKey), Unset(h.AppPrivateKeySecretName));
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.Section));
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.Section))
            .PostConfigure(o => (o.RoleArn, o.ExternalId, o.WebIdentityAudience) = (Unset(o.RoleArn), Unset(o.ExternalId), Unset(o.WebIdentityAudience)))
            .Validate(o => o.RoleArn is null || IsRoleArn(o.RoleArn), "Aws:RoleArn must look like arn:aws:iam::123456789012:role/name.")
            .Validate(o => o.AccountRoleArns.All(p => AwsNames.IsAccountId(p.Key) && IsRoleArn(p.Value)),
                "Aws:AccountRoleArns must map 12-digit account ids to role ARNs.")
            .Validate(o => o.WebIdentityAudience is null || o.RoleArn is not null || o.AccountRoleArns.Count > 0,
                "Aws:WebIdentityAudience needs a role to assume: set Aws:RoleArn or Aws:AccountRoleArns.")
            .Validate(o => o.WebIdentityAudience is null || o.ExternalId is null,
                "Aws:WebIdentityAudience and Aws:ExternalId are two different ways in: ExternalId applies only to AssumeRole with base credentials. Remove one.")
            .ValidateOnStart();
        services.AddOptions<LedgerOptions>().Bind(configuration.GetSection(LedgerOptions.Section))
            .Validate(o => o.TableServiceUri is null || o.ConnectionString is null, "Set Ledger:TableServiceUri or Ledger:ConnectionString, not both.")
            .ValidateOnStart();
        services.AddOptions<StatusOptions>().Bind(configuration.GetSection(StatusOptions.Section))
            .Validate(o => Regex.IsMatch(o.ContextPrefix, "^[A-Za-z0-9._/-]{1,60}$"), "Statuses:ContextPrefix may hold letters, digits, '.', '_', '/', '-' (at most 60).")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GitHubOptions>, GitHubCredentialsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(sp => new DefaultAzureCredential());
        // The SDK's default retries (3, from 0.8 s, exponential) would outlast EventBridge's 5 s; these fit the request budget.
        services.TryAddSingleton(new SecretClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), NetworkTimeout = TimeSpan.FromSeconds(2) } });
        services.TryAddSingleton(new AwsBaseCredentials());

        services.TryAddSingleton(new AwsEndpoints(configuration));
        services.TryAddSingleton<AwsCredentialSource>();
        services.TryAddSingleton<IExecutionSource>(sp => new CodePipelineClient(
            sp.GetRequiredService<AwsCredentialSource>(), sp.GetRequiredService<AwsEndpoints>(),
            new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All },
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IExecutionCache>(sp => new MemoryExecutionCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IStatusLedger>(CreateLedger);

        services.AddTransient<JsonContentTypeHandler>();
        services.AddHttpClient(GitHubHttpClient)
            .AddHttpMessageHandler<JsonContentTypeHandler>()
            .AddResilienceHandler("github", ConfigureGitHubResilience);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            return new GitHubRateGate(sp.GetRequiredService<TimeProvider>(), o.MaxConcurrentWrites, o.MaxWritesPerMinute);
        });
        services.TryAddSingleton(CreateSecretClient);
        services.TryAddSingleton(CreateGitHubHosts);
        services.TryAddSingleton<IStatusPublisher>(sp => sp.GetRequiredService<GitHubHosts>());

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            return new RevisionResolver(o.AllHosts().Select(h => h.Host.WebHost),
                o.Enterprise.SelectMany(h => h.ConnectionArns.Select(arn => (arn, h.WebHost))).ToDictionary(p => p.arn, p => p.WebHost, StringComparer.Ordinal));
        });
        services.TryAddSingleton(sp =>
        {
            var bridge = sp.GetRequiredService<IOptions<BridgeOptions>>().Value;
            var statuses = sp.GetRequiredService<IOptions<StatusOptions>>().Value;
            return new HandlerOptions
            {
                Budget = new RequestBudget(bridge.RequestBudget, bridge.RevisionWaitBudget),
                ContextPrefix = statuses.ContextPrefix,
                PostStageStatuses = statuses.PostStageStatuses,
            };
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<HandlerOptions>().Budget);
        services.TryAddSingleton<DeepHealthCheck>();
        services.TryAddSingleton<CommitFinder>();
        services.TryAddSingleton(sp => new StatusSlot(sp.GetRequiredService<IStatusLedger>(), sp.GetRequiredService<RequestBudget>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PipelineEventHandler>();
        return services;
    }

    /// <summary>
    /// Transport-level retries for GitHub, inside a budget that keeps the whole request under EventBridge's 5 s:
    /// 5xx, 408, timeouts and resets are retried with jittered backoff; a rate limit is retried only when GitHub's
    /// wait is short, otherwise the wait goes back to EventBridge as Retry-After.
    /// </summary>
    private static void ConfigureGitHubResilience(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        builder.AddTimeout(TimeSpan.FromSeconds(3.5));
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetryGitHub(args.Outcome)),
        });
        builder.AddTimeout(TimeSpan.FromSeconds(1.5));
    }

    internal static bool ShouldRetryGitHub(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException) return true;
        if (outcome.Result is not { } r) return false;
        var status = (int)r.StatusCode;
        if (status is 500 or 502 or 503 or 504 or 408) return true;
        if (status is 403 or 429)
            return r.Headers.RetryAfter?.Delta is { } wait && wait <= TimeSpan.FromSeconds(1);
        return false;
    }

    private static IStatusLedger CreateLedger(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
        var tableOptions = new TableClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100), NetworkTimeout = TimeSpan.FromSeconds(2) } };
        TableServiceClient? service = o.ConnectionString is { Length: > 0 } cs ? new TableServiceClient(cs, tableOptions)
            : o.TableServiceUri is { } uri ? new TableServiceClient(uri, sp.GetRequiredService<TokenCredential>(), tableOptions)
            : null;
        if (service is null)
        {
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Bridge.Ledger")
                .LogWarning("No Ledger:TableServiceUri or Ledger:ConnectionString: the ordering ledger is in memory, right for one instance only.");
            return new InMemoryStatusLedger();
        }
        return new TableStatusLedger(service.GetTableClient(o.TableName));
    }

    /// <summary>One publisher per configured GitHub host, each with its own API base and credential.</summary>
    private static GitHubHosts CreateGitHubHosts(IServiceProvider sp)
    {
        var gh = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
        var handlers = sp.GetRequiredService<IHttpMessageHandlerFactory>();
        var time = sp.GetRequiredService<TimeProvider>();
        HttpMessageHandler Handler() => handlers.CreateHandler(GitHubHttpClient);
        ISecretSource Secret(string? value, string? secretName) => value is { Length: > 0 }
            ? new ConfiguredSecret(secretName ?? "configured secret", value)
            : new KeyVaultSecretSource(sp.GetRequiredService<SecretClient>(), secretName!, gh.TokenCacheTtl, time);

        return new GitHubHosts(gh.AllHosts().Select(h =>
        {
            var (prefix, host) = h;
            // A GitHub App when an app id is set, else a token (from configuration, else from Key Vault).
            var secret = host.IsApp ? Secret(host.AppPrivateKey, host.AppPrivateKeySecretName) : Secret(host.Token, host.TokenSecretName);
            IGitHubTokenProvider tokens = host.AppId is { } appId
                ? new GitHubAppTokenProvider(appId, secret, host.InstallationIds, host.ApiBaseUrl, Handler, time)
                : new PatTokenProvider(secret);
            var publisher = new OctokitStatusPublisher(tokens, host.ApiBaseUrl, Handler, sp.GetRequiredService<GitHubRateGate>(), time);
            return new GitHubHost(prefix, host, secret, tokens, publisher);
        }).ToList());
    }

    private static SecretClient CreateSecretClient(IServiceProvider sp) =>
        new(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.VaultUri
                ?? throw new InvalidOperationException("KeyVault:VaultUri is not set."),
            sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<SecretClientOptions>());

    /// <summary>The first thing wrong with the GitHub hosts' settings, or null.</summary>
    internal static string? GitHubProblems(GitHubOptions gh, KeyVaultOptions kv)
    {
        foreach (var (prefix, host) in gh.AllHosts())
        {
            if (host.CredentialProblem(prefix, kv.VaultUri is not null) is { } problem) return problem;
            if (host.ApiBaseUrl.Scheme != Uri.UriSchemeHttps && !host.ApiBaseUrl.IsLoopback)
                return $"{prefix}:ApiBaseUrl must be an https URL.";
        }
        var duplicate = gh.AllHosts().GroupBy(h => h.Host.WebHost).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"GitHub host {duplicate.Key} is configured twice (GitHub and GitHub:Enterprise).";
    }

    private static bool IsRoleArn(string s) => RoleArn().IsMatch(s);

    /// <summary>Templates and settings files write "" for "not used": a blank value counts as unset.</summary>
    private static string? Unset(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArn();

    /// <summary>Every GitHub host needs exactly one complete credential; secrets named in Key Vault need a vault.</summary>
    private sealed class GitHubCredentialsValidator(IOptions<KeyVaultOptions> keyVault) : IValidateOptions<GitHubOptions>
    {
        public ValidateOptionsResult Validate(string? name, GitHubOptions options) =>
            GitHubProblems(options, keyVault.Value) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
