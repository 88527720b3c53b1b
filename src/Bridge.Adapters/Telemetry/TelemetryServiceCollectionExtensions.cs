using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Bridge.Adapters.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bridge.Adapters.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: the bridge's own source and meter, HttpClient's spans and metrics (every upstream is
/// HTTP), exported to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set (Entra ID auth with the
/// bridge's identity: the component has local auth disabled) and over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// Neither set: no OpenTelemetry provider is registered, so nothing is recorded (tests, the sandbox, a laptop); the
/// bridge's source and meter still serve any listener. HttpClient's spans carry the URL with the query
/// redacted and no headers.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "codepipeline-github-bridge";

    public static IServiceCollection AddBridgeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<BridgeTelemetryMark>()) return services;
        var appInsights = !string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // Nowhere to export: no provider at all. A provider would still record every span (HttpClient's included) and
        // aggregate every measurement for nobody.
        if (!appInsights && !otlp) return services;

        AddProvider(services, configuration, appInsights, otlp);
        return services;
    }

    // Its own method, not inlined: the exporters' assemblies load when a method naming them is compiled, and a host that
    // exports nothing should not load them (BENCHMARKS.md, the bridge alone).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddProvider(IServiceCollection services, IConfiguration configuration, bool appInsights, bool otlp)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t.AddSource(BridgeTelemetry.Name).AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(BridgeTelemetry.Name).AddHttpClientInstrumentation());

        if (appInsights)
        {
            services.AddAzureCredential();
            otel.UseAzureMonitorExporter();
            services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section))
                .Validate(o => o.SamplingRatio is null or (>= 0 and <= 1), "Telemetry:SamplingRatio must be from 0 to 1 (the share of traces kept).")
                .Validate(o => o.TracesPerSecond is null or >= 0, "Telemetry:TracesPerSecond must be 0 or more.")
                .ValidateOnStart();
            services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential, IOptions<TelemetryOptions>>((o, credential, telemetry) =>
            {
                o.ConnectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
                o.Credential = credential;
                // The exporter keeps at most 5 traces a second unless told otherwise, and a rate wins over a ratio: a ratio
                // alone clears the rate, or it would never apply.
                if (telemetry.Value.SamplingRatio is { } ratio) (o.SamplingRatio, o.TracesPerSecond) = ((float)ratio, telemetry.Value.TracesPerSecond);
                else if (telemetry.Value.TracesPerSecond is { } perSecond) o.TracesPerSecond = perSecond;
            });
        }
        if (otlp) otel.UseOtlpExporter();
    }

    private sealed class BridgeTelemetryMark;
}
