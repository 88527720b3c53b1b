using System.Text.RegularExpressions;
using Bridge.Adapters.Aws;
using Bridge.Adapters.Caching;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.GitHub;
using Bridge.Adapters.Health;
using Bridge.Adapters.KeyVault;
using Bridge.Adapters.Ledger;
using Bridge.Adapters.Repair;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters;

/// <summary>
/// Wires the handler to its adapters from configuration. Both hosts call this; tests and the sandbox replace single
/// services. Each adapter's <c>Add…</c> binds and validates its own section; this adds the core around them.
/// </summary>
public static partial class BridgeServiceCollectionExtensions
{
    /// <summary>The named HttpClient every GitHub call goes through.</summary>
    public const string GitHubHttpClient = GitHubServiceCollectionExtensions.GitHubHttpClient;

    public static IServiceCollection AddBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRequestBudget(configuration)
            .AddAwsExecutionSource(configuration)
            .AddKeyVaultSecrets(configuration)
            .AddStatusLedger(configuration)
            .AddGitHub(configuration)
            .AddBridgeTelemetry(configuration);

        services.AddOptions<StatusOptions>().Bind(configuration.GetSection(StatusOptions.Section))
            .Validate(o => ContextPrefix().IsMatch(o.ContextPrefix), "Statuses:ContextPrefix may hold letters, digits, '.', '_', '/', '-' (at most 60).")
            .ValidateOnStart();
        services.TryAddSingleton<IExecutionCache>(sp => new MemoryExecutionCache(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var statuses = sp.GetRequiredService<IOptions<StatusOptions>>().Value;
            return new HandlerOptions
            {
                Budget = sp.GetRequiredService<RequestBudget>(),
                ContextPrefix = statuses.ContextPrefix,
                PostStageStatuses = statuses.PostStageStatuses,
                SupersededState = statuses.SupersededState,
                PostRollbackStatuses = statuses.PostRollbackStatuses,
                ModeFor = sp.GetRequiredService<GitHubHosts>().ModeFor,
                OfferButtons = sp.GetRequiredService<RerunOptions>().Allows,
            };
        });
        services.TryAddSingleton<DeepHealthCheck>();
        services.TryAddSingleton<CommitFinder>();
        services.TryAddSingleton(sp => new StatusSlot(sp.GetRequiredService<IStatusLedger>(), sp.GetRequiredService<RequestBudget>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PipelineEventHandler>();
        services.TryAddSingleton<GitHubWebhookHandler>();
        services.AddRepairSweep(configuration);
        return services;
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,60}$")]
    private static partial Regex ContextPrefix();
}
