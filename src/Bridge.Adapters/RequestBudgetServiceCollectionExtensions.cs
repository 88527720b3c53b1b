using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters;

/// <summary>The clock and the one request budget every adapter takes its timeouts from.</summary>
public static class RequestBudgetServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Bridge</c> and registers one <see cref="RequestBudget"/> built from <c>Bridge:RequestBudget</c> and
    /// <c>Bridge:RevisionWaitBudget</c>, validated at start-up, and the system clock unless a host supplies another.
    /// </summary>
    public static IServiceCollection AddRequestBudget(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<RequestBudget>()) return services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section))
            .Validate(o => o.RequestBudget > TimeSpan.Zero && o.RequestBudget < RequestBudget.EventBridgeTimeout,
                "Bridge:RequestBudget must be above zero and below 00:00:05: EventBridge gives up on a request after 5 s.")
            .Validate(o => o.RevisionWaitBudget is not { } wait || (wait >= TimeSpan.Zero && wait < o.RequestBudget),
                "Bridge:RevisionWaitBudget must be at least zero and below Bridge:RequestBudget.")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BridgeOptions>>().Value;
            return new RequestBudget(o.RequestBudget, o.RevisionWaitBudget);
        });
        return services;
    }
}
