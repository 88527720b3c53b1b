using System.Runtime.CompilerServices;
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
        services.TryAddSingleton<TokenCredential>(_ => new DeferredTokenCredential(Create));
        return services;
    }

    // Its own method, not inlined: compiling it is what loads Azure.Identity and MSAL (DeferredTokenCredential).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TokenCredential Create() => new DefaultAzureCredential();
}
