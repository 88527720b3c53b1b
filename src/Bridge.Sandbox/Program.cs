using Bridge.Sandbox;
using Microsoft.Extensions.Configuration;

// `dotnet run --project src/Bridge.Sandbox [--samples DIR] [host arguments]`: the real bridge with CodePipeline, STS and
// GitHub simulated in-process, samples/ replayed, and the host kept serving so more events can be sent with curl.
var samples = SampleReplay.FindSamples(args);
await using var bridge = await LoopbackBridge.StartAsync(new LoopbackBridgeOptions
{
    // The host's own appsettings.json (copied next to this program) from the output folder, not the current directory.
    Args = ["--contentRoot", AppContext.BaseDirectory, .. SampleReplay.HostArguments(args)],
    // The host's own setting: its appsettings.json says http://127.0.0.1:7071, --urls moves it.
    Urls = null,
    ConfigureHost = builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        // The replay prints each outcome; the structured per-event lines are there with Logging__LogLevel__Bridge=Information.
        ["Logging:LogLevel:Bridge"] = builder.Configuration["Logging:LogLevel:Bridge"] ?? "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    }),
});
bridge.CodePipeline.SeedFrom(Path.Combine(samples, "executions.json"));
await SampleReplay.RunAsync(bridge, samples);
