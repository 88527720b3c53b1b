using Bridge.Adapters.Configuration;
using Bridge.Core.Repair;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Repair;

/// <summary>The repair sweep (section <c>Repair</c>); each host runs <see cref="RepairRunner"/> on its own timer.</summary>
public static class RepairServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Repair</c> (Interval whole minutes from 1 min to 1 day, After at least 1 min, GiveUpAfter
    /// at least After, MaxPerSweep 1 to 1,000) and registers <see cref="RepairSweep"/> and <see cref="RepairRunner"/>.
    /// The sweep uses the handler's services (ledger, CodePipeline, GitHub, slots), which <c>AddBridge</c> registers.
    /// </summary>
    public static IServiceCollection AddRepairSweep(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<RepairOptions>()) return services;
        services.AddOptions<RepairOptions>().Bind(configuration.GetSection(RepairOptions.Section))
            .Validate(o => o.Interval >= TimeSpan.FromMinutes(1) && o.Interval <= TimeSpan.FromDays(1) && o.Interval.Ticks % TimeSpan.TicksPerMinute == 0,
                "Repair:Interval must be whole minutes from 00:01:00 to 1.00:00:00 (the Functions timer fires once a minute).")
            .Validate(o => o.After >= TimeSpan.FromMinutes(1), "Repair:After must be at least 00:01:00: a slot younger than that is still being handled.")
            .Validate(o => o.GiveUpAfter >= o.After, "Repair:GiveUpAfter must be at least Repair:After.")
            .Validate(o => o.MaxPerSweep is >= 1 and <= 1000, "Repair:MaxPerSweep must be from 1 to 1000 (Table Storage's largest page).")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RepairOptions>>().Value;
            return new RepairSettings { After = o.After, GiveUpAfter = o.GiveUpAfter, MaxPerSweep = o.MaxPerSweep };
        });
        services.TryAddSingleton<RepairSweep>();
        services.TryAddSingleton<RepairRunner>();
        return services;
    }
}
