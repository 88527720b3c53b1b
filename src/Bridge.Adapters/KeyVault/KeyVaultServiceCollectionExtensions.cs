using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.KeyVault;

/// <summary>The vault that holds the GitHub credentials (section <c>KeyVault</c>).</summary>
public static class KeyVaultServiceCollectionExtensions
{
    /// <summary>Retries are spaced this far apart at first (exponential), so two fit in the request budget.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Binds and validates <c>KeyVault</c> (an absolute https vault URI, when set) and registers the
    /// <see cref="SecretClient"/> with retries that fit the request budget. The client is created only when a secret
    /// is read from the vault, so a deployment with its token in configuration needs no vault.
    /// </summary>
    public static IServiceCollection AddKeyVaultSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<KeyVaultOptions>()) return services;
        services.AddRequestBudget(configuration).AddAzureCredential();
        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.Section))
            .Validate(o => o.VaultUri is null || (o.VaultUri.IsAbsoluteUri && o.VaultUri.Scheme == Uri.UriSchemeHttps),
                "KeyVault:VaultUri must be an https URL, e.g. https://my-vault.vault.azure.net/.")
            .ValidateOnStart();
        // The SDK's default retries (3, from 0.8 s, exponential, 100 s per try) would outlast EventBridge's 5 s.
        services.TryAddSingleton(sp => CreateSecretClientOptions(sp.GetRequiredService<RequestBudget>()));
        services.TryAddSingleton(CreateSecretClient);
        return services;
    }

    internal static SecretClientOptions CreateSecretClientOptions(RequestBudget budget) =>
        new() { Retry = { MaxRetries = 2, Delay = RetryDelay, NetworkTimeout = budget.Attempt } };

    private static SecretClient CreateSecretClient(IServiceProvider sp) =>
        new(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.VaultUri
                ?? throw new InvalidOperationException("KeyVault:VaultUri is not set."),
            sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<SecretClientOptions>());
}
