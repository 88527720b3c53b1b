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
/// Neither set: nothing is exported (tests, the sandbox, a laptop). HttpClient's spans carry the URL with the query
/// redacted and no headers.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "codepipeline-github-bridge";

    public static IServiceCollection AddBridgeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<BridgeTelemetryMark>()) return services;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t.AddSource(BridgeTelemetry.Name).AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(BridgeTelemetry.Name).AddHttpClientInstrumentation());

        if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            services.AddAzureCredential();
            otel.UseAzureMonitorExporter();
            services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((o, credential) =>
            {
                o.ConnectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
                o.Credential = credential;
            });
        }
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return services;
    }

    private sealed class BridgeTelemetryMark;
}
