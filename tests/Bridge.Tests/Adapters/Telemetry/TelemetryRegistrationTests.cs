using Azure.Monitor.OpenTelemetry.Exporter;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Bridge.Tests.Adapters.Telemetry;

/// <summary>What the telemetry registration gives a host for each configuration: nothing to export, nothing recorded; sampling as set.</summary>
public sealed class TelemetryRegistrationTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        return new ServiceCollection().AddLogging().AddBridgeTelemetry(configuration).BuildServiceProvider();
    }

    [Fact]
    public void With_no_exporter_configured_no_tracer_provider_is_registered()
    {
        using var services = Build();
        Assert.Null(services.GetService<TracerProvider>());
    }

    [Fact]
    public void The_sampling_settings_reach_the_Azure_Monitor_exporter()
    {
        using var services = Build(("APPLICATIONINSIGHTS_CONNECTION_STRING", ConnectionString), ("Telemetry:SamplingRatio", "0.25"), ("Telemetry:TracesPerSecond", "2"));
        var options = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal((0.25f, 2.0), (options.SamplingRatio, options.TracesPerSecond));
        Assert.NotNull(services.GetService<TracerProvider>());
    }

    [Fact]
    public void A_ratio_alone_replaces_the_exporters_default_rate_and_nothing_set_keeps_that_default()
    {
        using var ratioOnly = Build(("APPLICATIONINSIGHTS_CONNECTION_STRING", ConnectionString), ("Telemetry:SamplingRatio", "0.1"));
        var options = ratioOnly.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal((0.1f, (double?)null), (options.SamplingRatio, options.TracesPerSecond));

        using var neither = Build(("APPLICATIONINSIGHTS_CONNECTION_STRING", ConnectionString));
        var defaults = neither.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal((1f, (double?)5), (defaults.SamplingRatio, defaults.TracesPerSecond));
    }

    [Theory]
    [InlineData("Telemetry:SamplingRatio", "1.5", "Telemetry:SamplingRatio must be from 0 to 1")]
    [InlineData("Telemetry:TracesPerSecond", "-1", "Telemetry:TracesPerSecond must be 0 or more")]
    public void A_sampling_setting_out_of_range_is_refused_naming_it(string key, string value, string message)
    {
        using var services = Build(("APPLICATIONINSIGHTS_CONNECTION_STRING", ConnectionString), (key, value));
        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
