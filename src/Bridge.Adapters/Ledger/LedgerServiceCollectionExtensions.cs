using Azure.Core;
using Azure.Data.Tables;
using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Ledger;

/// <summary>The ordering ledger (section <c>Ledger</c>): Azure Table Storage, or in memory for one instance.</summary>
public static partial class LedgerServiceCollectionExtensions
{
    /// <summary>Retries are spaced this far apart at first (exponential), so two fit in the request budget.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Binds and validates <c>Ledger</c> (one of TableServiceUri and ConnectionString, a table name Table Storage
    /// accepts, a retention of at least a day) and registers <see cref="IStatusLedger"/>.
    /// </summary>
    public static IServiceCollection AddStatusLedger(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<LedgerOptions>()) return services;
        services.AddRequestBudget(configuration).AddAzureCredential();
        services.AddOptions<LedgerOptions>().Bind(configuration.GetSection(LedgerOptions.Section))
            .PostConfigure(o => (o.ConnectionString, o.TableName) =
                (SettingValue.Unset(o.ConnectionString), SettingValue.Unset(o.TableName) ?? LedgerOptions.DefaultTableName))
            .Validate(o => o.TableServiceUri is null || o.ConnectionString is null, "Set Ledger:TableServiceUri or Ledger:ConnectionString, not both.")
            .Validate(o => TableName().IsMatch(o.TableName), "Ledger:TableName must be 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.RetentionDays >= 1, "Ledger:RetentionDays must be at least 1.")
            .ValidateOnStart();
        // The SDK's default retries would outlast EventBridge's 5 s; a test or host may register its own options.
        services.TryAddSingleton(sp => CreateTableClientOptions(sp.GetRequiredService<RequestBudget>()));
        services.TryAddSingleton<IStatusLedger>(CreateLedger);
        return services;
    }

    internal static TableClientOptions CreateTableClientOptions(RequestBudget budget) =>
        new() { Retry = { MaxRetries = 2, Delay = RetryDelay, NetworkTimeout = budget.Attempt } };

    private static IStatusLedger CreateLedger(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
        var tableOptions = sp.GetRequiredService<TableClientOptions>();
        var service = o.ConnectionString is { Length: > 0 } cs ? new TableServiceClient(cs, tableOptions)
            : o.TableServiceUri is { } uri ? new TableServiceClient(uri, sp.GetRequiredService<TokenCredential>(), tableOptions)
            : null;
        if (service is null)
        {
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Bridge.Ledger")
                .LogWarning("No Ledger:TableServiceUri or Ledger:ConnectionString: the ordering ledger is in memory, right for one instance only.");
            return new InMemoryStatusLedger(sp.GetRequiredService<TimeProvider>(), InMemoryStatusLedger.DefaultRetention);
        }
        return new TableStatusLedger(service, o.TableName, o.TableProvisioned);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial System.Text.RegularExpressions.Regex TableName();
}
