using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Adapters;

/// <summary>The one Azure identity (managed identity in Azure) Key Vault, Table Storage and secretless AWS share.</summary>
internal static class AzureCredentialServiceCollectionExtensions
{
    public static IServiceCollection AddAzureCredential(this IServiceCollection services)
    {
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        return services;
    }
}
