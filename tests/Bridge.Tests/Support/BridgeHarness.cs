using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Support;

/// <summary>What a test wants of the bridge it drives.</summary>
public sealed class HarnessOptions
{
    /// <summary>Read the GitHub token from the fake Key Vault (over HTTPS, with its 401 challenge) instead of configuration.</summary>
    public bool UseKeyVault { get; set; }

    /// <summary>Table Storage connection string for the ledger; null keeps it in memory.</summary>
    public string? TablesConnectionString { get; set; }

    public string? TableName { get; set; }

    /// <summary>Assume this role through the fake STS; null uses the base credentials directly.</summary>
    public string? RoleArn { get; set; } = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";

    public Dictionary<string, string?> Settings { get; } = new();

    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>The host environment (Production unless set): Development is where ASP.NET Core would show error pages.</summary>
    public string? Environment { get; set; }

    /// <summary>The fakes' clock (credential and token expiry), to share a fake clock with the bridge.</summary>
    public TimeProvider UpstreamClock { get; set; } = TimeProvider.System;

    /// <summary>One fake clock for the fakes and the bridge (expiry, timeouts, backoff, slow answers); after <see cref="Services"/> is set.</summary>
    public HarnessOptions ShareClock(FakeTimeProvider clock)
    {
        UpstreamClock = clock;
        var services = Services;
        Services = s =>
        {
            services?.Invoke(s);
            s.AddSingleton<TimeProvider>(clock);
        };
        return this;
    }
}

/// <summary>
/// The Kestrel host on 127.0.0.1 wired to loopback fakes of STS, CodePipeline, Key Vault and GitHub (a
/// <see cref="LoopbackBridge"/>), with every log line captured. Tests drive it over real HTTP, as EventBridge would.
/// </summary>
public sealed class BridgeHarness : IAsyncDisposable
{
    private readonly LoopbackBridge _bridge;

    private readonly TimeProvider _clock;

    private BridgeHarness(LoopbackBridge bridge, TimeProvider clock)
    {
        _bridge = bridge;
        _clock = clock;
        Client = new HttpClient(new RetryAfterOnEvery5xx { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = bridge.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Logs = bridge.App.Services.GetFakeLogCollector();
    }

    public FakeGitHub GitHub => _bridge.GitHub;
    public FakeCodePipeline CodePipeline => _bridge.CodePipeline;
    public FakeSts Sts => _bridge.Sts;

    /// <summary>The fake vault; started only with <see cref="HarnessOptions.UseKeyVault"/>.</summary>
    public FakeKeyVault KeyVault => _bridge.KeyVault ?? throw new InvalidOperationException("Start the harness with UseKeyVault = true to get a Key Vault.");

    public WebApplication App => _bridge.App;
    public HttpClient Client { get; }
    public FakeLogCollector Logs { get; }

    /// <summary>The configuration the host was given, so another host (the Function class) can be wired the same way.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _bridge.Settings;

    public IReadOnlyList<LoopbackServer> Upstreams => _bridge.Upstreams;

    public static async Task<BridgeHarness> StartAsync(Action<HarnessOptions>? configure = null)
    {
        var options = new HarnessOptions();
        configure?.Invoke(options);
        var bridge = new LoopbackBridgeOptions
        {
            Fakes = new LoopbackServerOptions { TimeProvider = options.UpstreamClock },
            AccountId = TestEvents.Account,
            Region = TestEvents.Region,
            FunctionKey = TestSecrets.FunctionKey,
            GitHubToken = TestSecrets.GitHubToken,
            UseKeyVault = options.UseKeyVault,
            RoleArn = options.RoleArn,
            AwsAccessKeyId = TestSecrets.BaseAccessKeyId,
            AwsSecretAccessKey = TestSecrets.BaseSecretAccessKey,
            TablesConnectionString = options.TablesConnectionString,
            TableName = options.TableName,
            ConfigureHost = builder =>
            {
                if (options.Environment is { } environment) builder.Environment.EnvironmentName = environment;
                builder.Logging.ClearProviders();
                builder.Logging.AddFakeLogging();
                options.Services?.Invoke(builder.Services);
            },
        };
        bridge.Settings["GitHub:MaxWritesPerMinute"] = "100000";
        bridge.Settings["GitHub:MaxWritesPerHour"] = "2147483647";
        bridge.Settings["Logging:LogLevel:Default"] = "Information";
        // The repair sweep runs only where a test asks for it (RepairRig). Elsewhere it would sweep in the background on
        // the test's fake clock whenever the test advances it, and a sweep still in flight at disposal kept the host's
        // resilience pipelines waiting, on that clock, for ever (GitHubAppTests hung once in CI).
        bridge.Settings["Repair:Enabled"] = "false";
        foreach (var (k, v) in options.Settings) bridge.Settings[k] = v;
        return new BridgeHarness(await LoopbackBridge.StartAsync(bridge), options.UpstreamClock);
    }

    /// <summary>Adds the executions of samples/executions.json to the fake CodePipeline.</summary>
    public void SeedSampleExecutions() => CodePipeline.SeedFrom(Path.Combine(TestEvents.SamplesDirectory, "executions.json"));

    public Task<HttpResponseMessage> PostAsync(JsonNode e, string? key = TestSecrets.FunctionKey) => PostAsync(Encoding.UTF8.GetBytes(e.ToJsonString()), key);

    public Task<HttpResponseMessage> PostSampleAsync(string file) => PostAsync(TestEvents.Sample(file));

    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? key = TestSecrets.FunctionKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/codepipeline-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", "Amazon/EventBridge/ApiDestinations");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        return await Client.SendAsync(request);
    }

    /// <summary>Every captured log line with its structured state and exception, as one searchable text.</summary>
    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(r =>
        $"{r.Level} {r.Category} {r.Message} {string.Join(",", r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} {r.Exception}"));

    public int UpstreamRequestCount => Upstreams.Sum(u => u.RequestCount);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        var stopping = _bridge.DisposeAsync().AsTask();
        // On a fake clock, stopping can wait on that clock: Polly's registry waits for executions still in flight (a
        // timeout, a backoff) in steps of the pipeline's own clock. Nothing moves it after the test, so move it here.
        if (_clock is FakeTimeProvider clock)
            await FakeClockRequests.RunOutAsync(clock, stopping);
        await stopping;
    }
}

/// <summary>
/// On every harness client: a 5xx without Retry-After fails the test that received it. EventBridge retries a bare 5xx
/// at its own pace, so the bridge promises never to send one; this checks that promise in every suite.
/// </summary>
public sealed class RetryAfterOnEvery5xx : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500 && response.Headers.RetryAfter is null)
            throw new Xunit.Sdk.XunitException($"{request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} without Retry-After: "
                + await response.Content.ReadAsStringAsync(cancellationToken));
        return response;
    }
}
