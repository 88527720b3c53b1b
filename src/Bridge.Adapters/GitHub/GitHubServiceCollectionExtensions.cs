using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.KeyVault;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.GitHub;

/// <summary>Where statuses are posted (section <c>GitHub</c>: github.com and Enterprise Server hosts side by side).</summary>
public static class GitHubServiceCollectionExtensions
{
    /// <summary>The named HttpClient (JSON content type, retries, timeouts) every GitHub call goes through.</summary>
    public const string GitHubHttpClient = "github";

    /// <summary>
    /// Binds and validates <c>GitHub</c> (one complete credential per host, https API bases, no host twice, write
    /// limits in range, a token cache lifetime of zero or more) and registers <see cref="IStatusPublisher"/>: one publisher per
    /// host behind a rate gate, over an HttpClient whose timeouts come from the request budget. Secrets named in
    /// Key Vault are read through <see cref="KeyVaultServiceCollectionExtensions.AddKeyVaultSecrets"/>.
    /// </summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<GitHubOptions>()) return services;
        services.AddRequestBudget(configuration).AddKeyVaultSecrets(configuration);
        services.AddOptions<GitHubOptions>().Bind(configuration.GetSection(GitHubOptions.Section))
            .PostConfigure(o =>
            {
                (o.WebhookSecret, o.WebhookSecretName) = (SettingValue.Unset(o.WebhookSecret), SettingValue.Unset(o.WebhookSecretName));
                foreach (var (_, h) in o.AllHosts())
                    (h.Host, h.Token, h.TokenSecretName, h.AppPrivateKey, h.AppPrivateKeySecretName) =
                        (SettingValue.Unset(h.Host), SettingValue.Unset(h.Token), SettingValue.Unset(h.TokenSecretName),
                            SettingValue.Unset(h.AppPrivateKey), SettingValue.Unset(h.AppPrivateKeySecretName));
            })
            .Validate(o => o.TokenCacheTtl >= TimeSpan.Zero, "GitHub:TokenCacheTtl must not be negative (00:00:00 reads the secret for every event).")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GitHubOptions>, GitHubOptionsRanges>();
        services.AddSingleton<IValidateOptions<GitHubOptions>, GitHubCredentialsValidator>();
        services.AddSingleton<IValidateOptions<GitHubOptions>, GitHubHostNamesCheck>();

        services.AddTransient<JsonContentTypeHandler>();
        services.AddTransient<GitHubRedirectHandler>();
        var github = services.AddHttpClient(GitHubHttpClient)
            // Redirects are followed by GitHubRedirectHandler, on the same host and with the credential; never by .NET,
            // which drops the credential (GitHub then answers 401) and would follow to any host.
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                if (handler is SocketsHttpHandler sockets) sockets.AllowAutoRedirect = false;
                else if (handler is HttpClientHandler client) client.AllowAutoRedirect = false;
            })
            .AddHttpMessageHandler<JsonContentTypeHandler>();
        github.AddResilienceHandler("github", (builder, context) =>
                GitHubResilience.Configure(builder, context.ServiceProvider.GetRequiredService<RequestBudget>()));
        // Inside the resilience handler: the hops of one redirect are one attempt.
        github.AddHttpMessageHandler<GitHubRedirectHandler>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            return new GitHubRateGate(sp.GetRequiredService<TimeProvider>(), o.MaxConcurrentWrites, o.MaxWritesPerMinute, o.MaxWritesPerHour);
        });
        services.TryAddSingleton(CreateGitHubHosts);
        services.TryAddSingleton<IStatusPublisher>(sp => sp.GetRequiredService<GitHubHosts>());
        services.TryAddSingleton<ICheckRunPublisher>(sp => sp.GetRequiredService<GitHubHosts>());
        services.TryAddSingleton<IWebhookSecret>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            return new WebhookSecret(o.WebhookSecret is { Length: > 0 } configured ? new ConfiguredSecret("GitHub:WebhookSecret", configured)
                : o.WebhookSecretName is { Length: > 0 } name ? new KeyVaultSecretSource(sp.GetRequiredService<SecretClient>(), name, o.TokenCacheTtl,
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RequestBudget>())
                : null);
        });
        services.AddOptions<RerunOptions>().Bind(configuration.GetSection(RerunOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RerunOptions>, RerunOptionsValidator>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RerunOptions>>().Value;
            // The apps whose runs the webhook may act on: the configured GitHub Apps.
            o.AppIds = [.. sp.GetRequiredService<IOptions<GitHubOptions>>().Value.AllHosts().Select(h => h.Host.AppId).OfType<long>()];
            return o;
        });
        // Which web hosts (and which Enterprise connections) revisions may name: the configured ones.
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            return new RevisionResolver(o.AllHosts().Select(h => h.Host.WebHost),
                o.Enterprise.SelectMany(h => h.ConnectionArns.Select(arn => (arn, h.WebHost))).ToDictionary(p => p.arn, p => p.WebHost, StringComparer.Ordinal));
        });
        return services;
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
            : new KeyVaultSecretSource(sp.GetRequiredService<SecretClient>(), secretName!, gh.TokenCacheTtl, time, sp.GetRequiredService<RequestBudget>());

        return new GitHubHosts(gh.AllHosts().Select(h =>
        {
            var (prefix, host) = h;
            // A GitHub App when an app id is set, else a token (from configuration, else from Key Vault).
            var secret = host.IsApp ? Secret(host.AppPrivateKey, host.AppPrivateKeySecretName) : Secret(host.Token, host.TokenSecretName);
            IGitHubTokenProvider tokens = host.AppId is { } appId
                ? new GitHubAppTokenProvider(appId, secret, host.InstallationIds, host.ApiBaseUrl, Handler, time)
                : new PatTokenProvider(secret);
            var publisher = new OctokitStatusPublisher(tokens, host.ApiBaseUrl, Handler, sp.GetRequiredService<GitHubRateGate>(), time, sp.GetRequiredService<RequestBudget>());
            return new GitHubHost(prefix, host, secret, tokens, publisher);
        }).ToList());
    }
}
