using Bridge.Adapters;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// OpenTelemetry end to end (host.json telemetryMode OpenTelemetry): AddBridge adds the bridge's spans, meter and logs,
// exported to Application Insights with the Azure Monitor exporter and Entra ID auth when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set; this adds the worker's invocation spans, the Functions resource
// attributes, and tells the host the worker exports its own telemetry, so nothing is sent twice.
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Services.AddBridge(builder.Configuration);
builder.Build().Run();
