using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Bridge.Adapters.Telemetry;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Telemetry;

/// <summary>
/// Every upstream an event touches, as an exporter sees it: the Kestrel host over real HTTP with STS, CodePipeline,
/// Key Vault (the GitHub token) and GitHub faked on loopback and the ledger in Azurite, exported through
/// OpenTelemetry's in-memory exporter.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class UpstreamSpansTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly string[] Upstreams = ["sts", "codepipeline", "keyvault", "github", "ledger"];

    private readonly InMemoryTelemetry _telemetry = new();
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.TablesConnectionString = tables.ConnectionString;
            o.TableName = tables.NewTableName();
        });
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _telemetry.Dispose();
    }

    private async Task<IReadOnlyList<Activity>> PostTracedAsync(string sample)
    {
        ActivityTraceId trace;
        using (var root = InMemoryTelemetry.TestSource.StartActivity("test-root"))
        {
            Assert.NotNull(root);
            trace = root.TraceId;
            using var response = await _h.PostSampleAsync(sample);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return _telemetry.Spans(trace);
    }

    [Fact]
    public async Task An_event_span_has_a_child_span_per_upstream_call_each_tagged_with_its_result()
    {
        var spans = await PostTracedAsync("01-web-app.github-v1.started.json");

        var e = Assert.Single(spans, s => s.OperationName == BridgeTelemetry.EventSpan);
        Assert.Equal("web-app", e.GetTagItem("codepipeline.pipeline"));
        Assert.Matches("^[0-9a-f-]{36}$", (string)e.GetTagItem("codepipeline.execution_id")!);
        Assert.Equal("octo-org/web-app", e.GetTagItem("github.repository"));
        Assert.Equal("4b825dc642cb6eb9a060e54bf8d69288fbee4904", e.GetTagItem("github.sha"));
        Assert.Equal("posted", e.GetTagItem("bridge.outcome"));

        var upstream = spans.Where(s => s.GetTagItem(BridgeTelemetry.UpstreamTag) is not null).ToList();
        Assert.Equal(Upstreams.Order(), upstream.Select(s => (string)s.GetTagItem(BridgeTelemetry.UpstreamTag)!).Distinct().Order());
        Assert.All(upstream, s => Assert.Equal("ok", s.GetTagItem("bridge.result")));
        Assert.All(upstream, s => Assert.True(Under(s, e, spans), $"{s.OperationName} is not under the event's span"));
        // Every upstream call is a child of the event, STS too: its duration is not counted in CodePipeline's.
        Assert.All(upstream, s => Assert.Equal(e.SpanId, s.ParentSpanId));
        Assert.Contains(upstream, s => s.OperationName == "ledger write");
        Assert.Contains(upstream, s => s.OperationName == "keyvault GetSecret");
        Assert.Contains(upstream, s => s.OperationName == "sts AssumeRole");
    }

    [Fact]
    public async Task Upstream_durations_are_measured_by_service_and_result()
    {
        await PostTracedAsync("01-web-app.github-v1.started.json");

        foreach (var upstream in Upstreams)
            Assert.True(_telemetry.Total(BridgeTelemetry.UpstreamDuration, (BridgeTelemetry.UpstreamTag, upstream), ("result", "ok")) >= 1,
                $"no {BridgeTelemetry.UpstreamDuration} measurement for {upstream}");
    }

    [Fact]
    public async Task No_span_of_any_upstream_carries_a_secret_or_a_query_string()
    {
        var spans = await PostTracedAsync("01-web-app.github-v1.started.json");

        var tags = spans.SelectMany(s => s.TagObjects.Select(t => $"{s.OperationName} {t.Key}={t.Value}")).ToList();
        Assert.Contains(tags, t => t.Contains("url.full", StringComparison.Ordinal));
        var issued = _h.Sts.Calls.Where(c => c.IssuedAccessKeyId is not null).Select(c => (c.IssuedAccessKeyId!, _h.Sts.LookupIssued(c.IssuedAccessKeyId!)!)).ToList();
        Assert.NotEmpty(issued);
        string[] secrets = [TestSecrets.GitHubToken, TestSecrets.FunctionKey, TestSecrets.BaseSecretAccessKey, TestSecrets.KeyVaultAccessToken,
            .. issued.Select(i => i.Item2.SecretAccessKey), .. issued.Select(i => i.Item2.SessionToken!), "Authorization", "Bearer"];
        foreach (var tag in tags)
        {
            foreach (var secret in secrets) Assert.DoesNotContain(secret, tag, StringComparison.OrdinalIgnoreCase);
            // HttpClient's spans redact a query to "*"; nothing else may carry one.
            Assert.DoesNotMatch(QueryNotRedacted(), tag);
        }
    }

    private static bool Is(Activity s, string upstream) => (string?)s.GetTagItem(BridgeTelemetry.UpstreamTag) == upstream;

    private static Activity? Parent(Activity s, IReadOnlyList<Activity> spans) => spans.FirstOrDefault(p => p.SpanId == s.ParentSpanId);

    private static bool Under(Activity s, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        for (var p = Parent(s, spans); p is not null; p = Parent(p, spans))
            if (p.SpanId == ancestor.SpanId) return true;
        return false;
    }

    [GeneratedRegex(@"\?(?!\*($|\s))")]
    private static partial Regex QueryNotRedacted();
}
