using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Bridge.Adapters;
using Bridge.Adapters.Aws;
using Bridge.Core.Handling;
using Bridge.Functions;
using Bridge.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Functions;

/// <summary>
/// The Functions app cannot run here (no Functions host), so its function classes are called directly over the same
/// loopback fakes, and the generated functions.metadata is checked for what the host will read.
/// </summary>
public sealed class FunctionAppTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_h.Settings).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(new AwsBaseCredentials(() => new BasicAWSCredentials(TestSecrets.BaseAccessKeyId, TestSecrets.BaseSecretAccessKey)))
            .AddBridge(configuration)
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task The_event_function_runs_the_shared_handler()
    {
        var context = Request(TestEvents.Sample("05-worker.v2-trigger.failed.json"));
        await new CodePipelineEventsFunction(_services.GetRequiredService<PipelineEventHandler>()).Run(context.Request);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("posted", (string?)JsonNode.Parse(Body(context))!["outcome"]);
        Assert.Equal("failure", Assert.Single(_h.GitHub.Statuses).State);
    }

    [Fact]
    public async Task The_event_function_answers_bad_input_with_a_problem()
    {
        var context = Request(Encoding.UTF8.GetBytes("{}"));
        await new CodePipelineEventsFunction(_services.GetRequiredService<PipelineEventHandler>()).Run(context.Request);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public async Task The_health_function_answers_ok()
    {
        var context = Request([]);
        await new HealthFunction(_services.GetRequiredService<Bridge.Adapters.Health.DeepHealthCheck>()).Run(context.Request);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", Body(context));
    }

    [Fact]
    public async Task The_deep_health_function_checks_every_credential()
    {
        var context = Request([]);
        await new HealthFunction(_services.GetRequiredService<Bridge.Adapters.Health.DeepHealthCheck>()).RunDeep(context.Request);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("pass", (string?)JsonNode.Parse(Body(context))!["status"]);
        Assert.Single(_h.Sts.Calls);
    }

    [Fact]
    public async Task The_anonymous_health_route_refuses_the_deep_check()
    {
        var context = Request([]);
        context.Request.QueryString = new QueryString("?deep=true");
        await new HealthFunction(_services.GetRequiredService<Bridge.Adapters.Health.DeepHealthCheck>()).Run(context.Request);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public void Functions_metadata_declares_a_POST_trigger_behind_the_function_key_and_an_anonymous_health_check()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "functions.metadata")))!.AsArray();
        var events = metadata.Single(f => (string?)f!["name"] == "CodePipelineEvents")!["bindings"]![0]!;
        Assert.Equal(("httpTrigger", "Function", "codepipeline-events"), ((string?)events["type"], (string?)events["authLevel"], (string?)events["route"]));
        Assert.Equal(["post"], events["methods"]!.AsArray().Select(m => (string?)m));
        var health = metadata.Single(f => (string?)f!["name"] == "Health")!["bindings"]![0]!;
        Assert.Equal(("Anonymous", "health"), ((string?)health["authLevel"], (string?)health["route"]));
        Assert.Equal(["get"], health["methods"]!.AsArray().Select(m => (string?)m));
        var deep = metadata.Single(f => (string?)f!["name"] == "HealthDeep")!["bindings"]![0]!;
        Assert.Equal(("Function", "health/deep"), ((string?)deep["authLevel"], (string?)deep["route"]));
    }

    [Fact]
    public void The_root_host_json_ships_with_the_Functions_app()
    {
        var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsOutput, "host.json")))!;
        Assert.Equal("2.0", (string?)shipped["version"]);
        Assert.Equal(File.ReadAllText(Path.Combine(TestEvents.RepoRoot, "host.json")), File.ReadAllText(Path.Combine(FunctionsOutput, "host.json")));
    }

    /// <summary>The Functions project's own build output, in the configuration these tests were built in.</summary>
    private static string FunctionsOutput
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/{Configuration}/net10.0/
            return Path.Combine(TestEvents.RepoRoot, "src", "Bridge.Functions", "bin", configuration, "net10.0");
        }
    }

    private static DefaultHttpContext Request(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(DefaultHttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}

/// <summary>The daily clean-up, run against the Table Storage ledger on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LedgerCleanupFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Rows_older_than_the_retention_are_removed_and_recent_ones_kept()
    {
        var service = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString);
        var name = azurite.NewTableName();
        var table = service.GetTableClient(name);
        var ledger = new Bridge.Adapters.Ledger.TableStatusLedger(service, name);
        var status = new Bridge.Core.Statuses.CommitStatus(Bridge.Core.Statuses.CommitState.Success, "codepipeline/p", "Pipeline p succeeded", "https://x");
        var entry = new Bridge.Core.Ordering.LedgerEntry("e", DateTimeOffset.UtcNow, 1, DateTimeOffset.UtcNow, status);
        await ledger.TryWriteAsync(new("github.com", "o/r", new string('a', 40), "codepipeline/p"), entry, null, null, null, default);
        var options = Microsoft.Extensions.Options.Options.Create(new Bridge.Adapters.Configuration.LedgerOptions { RetentionDays = 30 });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var function = new LedgerCleanupFunction(ledger, options, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<LedgerCleanupFunction>.Instance);

        await function.Run(new TimerInfo(), default);
        Assert.Single(table.Query<Azure.Data.Tables.TableEntity>());

        clock.Advance(TimeSpan.FromDays(31));
        await function.Run(new TimerInfo(), default);
        Assert.Empty(table.Query<Azure.Data.Tables.TableEntity>());
    }
}
