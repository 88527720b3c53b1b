using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Adapters;

/// <summary>
/// Lets an <c>Add…</c> extension run once however often it is called: the adapters call the ones they depend on
/// (GitHub reads secrets from Key Vault), and <c>AddBridge</c> calls them all.
/// </summary>
internal static class ServiceCollectionMarks
{
    /// <summary>True the first time for <typeparamref name="TArea"/>; false when it was already added.</summary>
    public static bool FirstTime<TArea>(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Added<TArea>))) return false;
        services.AddSingleton(new Added<TArea>());
        return true;
    }

    private sealed class Added<TArea>;
}
