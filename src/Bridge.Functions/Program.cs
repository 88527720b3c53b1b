using Bridge.Adapters;
using Bridge.Adapters.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
// The bridge's spans and meter without the Azure Monitor exporter: with it (Azure.Monitor.OpenTelemetry.Exporter 1.10,
// Microsoft.Azure.Functions.Worker.OpenTelemetry 1.2, host.json telemetryMode OpenTelemetry) the published worker
// given the deployed settings did not open its HTTP port within 30 s. OTLP still works (OTEL_EXPORTER_OTLP_ENDPOINT).
builder.Services.AddBridgeTelemetry(builder.Configuration, exportToAzureMonitor: false);
builder.Services.AddBridge(builder.Configuration);
builder.Build().Run();
