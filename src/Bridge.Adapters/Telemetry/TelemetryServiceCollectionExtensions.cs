using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        // aggregate every measurement for nobody, about 3 KB and a tenth of the CPU of an event (BENCHMARKS.md).
        if (!appInsights && !otlp) return services;

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t.AddSource(BridgeTelemetry.Name).AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(BridgeTelemetry.Name).AddHttpClientInstrumentation());

        if (appInsights)
        {
            services.AddAzureCredential();
            otel.UseAzureMonitorExporter();
            services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) =>
            {
                o.ConnectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
                o.Credential = credential;
            });
        }
        if (otlp) otel.UseOtlpExporter();
        return services;
    }

    private sealed class BridgeTelemetryMark;
}
