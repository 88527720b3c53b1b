using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Functions.Tests.Support;
using Bridge.Functions.Tests.WorkerProtocol;

namespace Bridge.Functions.Tests.Functions;

/// <summary>
/// The published Functions app, run as the host runs it (a worker process on the gRPC protocol), against loopback
/// fakes of GitHub, CodePipeline and STS. The tests share one worker; each one measures only what it changed.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class PublishedWorkerTests(WorkerFixture f)
{
    private const string WebAppSha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    [Fact]
    public void Worker_indexes_its_functions_and_advertises_its_HTTP_server()
    {
        Assert.Equal(["CodePipelineEvents", "GitHubWebhooks", "Health", "HealthDeep", "LedgerCleanup", "RepairSweep"], f.Host.Functions.Keys.Order());
        Assert.Equal("Function", f.Host.Functions["CodePipelineEvents"].AuthLevel);
        Assert.Equal("Anonymous", f.Host.Functions["Health"].AuthLevel);
        Assert.Equal("Function", f.Host.Functions["HealthDeep"].AuthLevel);
        Assert.Equal("timerTrigger", f.Host.Functions["LedgerCleanup"].TriggerType);
        // Flex Consumption takes CRON only: every minute, and the worker sweeps on the minutes Repair:Interval names.
        Assert.Equal(("timerTrigger", "0 * * * * *"), (f.Host.Functions["RepairSweep"].TriggerType, (string?)f.Host.Functions["RepairSweep"].Trigger["schedule"]));
        Assert.Equal("http", f.Host.WorkerHttpUri?.Scheme);
    }

    [Fact]
    public void Worker_tells_the_host_it_exports_its_own_OpenTelemetry()
    {
        // host.json's telemetryMode OpenTelemetry leaves the worker's telemetry to the worker; without this capability
        // (UseFunctionsWorkerDefaults) the host would not know, and invocations would be traced twice or not at all.
        Assert.Equal("true", f.Host.WorkerCapabilities.GetValueOrDefault("WorkerOpenTelemetryEnabled")?.ToLowerInvariant());
    }

    [Fact]
    public async Task An_event_goes_through_the_worker_and_becomes_a_GitHub_status()
    {
        var stsBefore = f.Upstreams.StsRequests;
        var codePipelineBefore = f.Upstreams.CodePipelineRequests;
        var invocationsBefore = f.FrontDoor.Invocations.Count;

        using var response = await f.Client.SendAsync(Requests.Sample("01-web-app.github-v1.started.json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var status = Assert.Single(f.Upstreams.Statuses, s => s.OwnerRepo == "octo-org/web-app" && s.Sha == WebAppSha);
        Assert.Equal("pending", status.State);
        Assert.Equal("codepipeline/web-app", status.Context);
        Assert.True(f.Upstreams.StsRequests > stsBefore || stsBefore > 0, "the role was never assumed through STS");
        Assert.True(f.Upstreams.CodePipelineRequests > codePipelineBefore, "CodePipeline was never asked for the execution");
        var invocation = Assert.Single(f.FrontDoor.Invocations.Skip(invocationsBefore));
        Assert.Equal("CodePipelineEvents", invocation.FunctionName);
        Assert.Equal(StatusResult.Types.Status.Success, invocation.Response.Result.Status);
    }

    [Fact]
    public async Task Health_is_anonymous()
    {
        using var response = await f.Client.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(f.FrontDoor.Invocations, i => i.FunctionName == "Health" && i.Response.Result.Status == StatusResult.Types.Status.Success);
    }

    [Fact]
    public async Task Deep_health_with_the_key_checks_every_upstream()
    {
        var gitHubBefore = f.Upstreams.GitHub.RequestCount;
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/health/deep");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);

        using var response = await f.Client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.True(f.Upstreams.GitHub.RequestCount > gitHubBefore, "the deep check never called GitHub");
    }

    [Fact]
    public async Task The_key_may_also_come_as_the_code_query_parameter()
    {
        using var response = await f.Client.GetAsync($"api/health/deep?code={Uri.EscapeDataString(TestSecrets.FunctionKey)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GitHub_webhooks_reach_the_worker_without_a_function_key_and_an_unsigned_one_is_refused_there()
    {
        var invocationsBefore = f.FrontDoor.Invocations.Count;
        var rejectedBefore = f.FrontDoor.Rejected;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/github-webhooks") { Content = new StringContent("""{"action":"rerequested"}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "check_run");
        request.Headers.Add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");

        using var response = await f.Client.SendAsync(request);

        // Anonymous at the host (GitHub sends no key): the worker answers, and its signature check refuses.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(rejectedBefore, f.FrontDoor.Rejected);
        Assert.Equal("GitHubWebhooks", Assert.Single(f.FrontDoor.Invocations.Skip(invocationsBefore)).FunctionName);
        Assert.Contains("X-Hub-Signature-256", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fk-wrong")]
    public async Task Without_the_right_key_the_host_answers_401_and_never_invokes_the_worker(string? key)
    {
        var invocationsBefore = f.Host.Channel.InvocationsSent.Count;
        var rejectedBefore = f.FrontDoor.Rejected;
        var statusesBefore = f.Upstreams.Statuses.Count;

        using var post = await f.Client.SendAsync(Requests.Event(File.ReadAllBytes(Path.Combine(WorkerFixture.SamplesDirectory, "03-api-service.codeconnections.started.json")), key));
        using var deepRequest = new HttpRequestMessage(HttpMethod.Get, "api/health/deep");
        if (key is not null) deepRequest.Headers.Add("x-functions-key", key);
        using var deep = await f.Client.SendAsync(deepRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, deep.StatusCode);
        Assert.Equal(invocationsBefore, f.Host.Channel.InvocationsSent.Count);
        Assert.Equal(rejectedBefore + 2, f.FrontDoor.Rejected);
        Assert.Equal(statusesBefore, f.Upstreams.Statuses.Count);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"version":"0","id":"0b6f3f7e-1111-4e5f-8a9b-000000000009","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"111122223333","time":"2026-11-26T09:00:02Z","region":"eu-west-1","resources":[],"detail":{"state":"running"}}""")]
    public async Task Bad_input_is_a_400_problem(string body)
    {
        var statusesBefore = f.Upstreams.Statuses.Count;

        using var response = await f.Client.SendAsync(Requests.Event(Encoding.UTF8.GetBytes(body)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, (int?)JsonNode.Parse(text)?["status"]);
        Assert.Equal(statusesBefore, f.Upstreams.Statuses.Count);
    }

    [Fact]
    public async Task The_ledger_clean_up_timer_runs_once_when_invoked()
    {
        var timer = new TypedData { Json = TimerPayload(DateTimeOffset.UtcNow) };

        var response = await f.Host.InvokeAsync("LedgerCleanup", [new ParameterBinding { Name = "timer", Data = timer }],
            new Dictionary<string, TypedData> { ["timer"] = timer });

        Assert.True(response.Result.Status == StatusResult.Types.Status.Success, $"{response.Result.Exception?.Message}\n{response.Result.Exception?.StackTrace}");
    }

    [Fact]
    public async Task The_repair_timer_run_once_posts_the_final_status_of_an_execution_whose_end_was_never_delivered()
    {
        // Only STARTED is delivered, 20 minutes after the fact (older than Repair:After); the execution then fails.
        const string Sha = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
        f.Upstreams.SeedExecution("repair-me", "exec-repair", "InProgress", "octo-org/repair-me", Sha);
        var started = Requests.Started("repair-me", "exec-repair", DateTimeOffset.UtcNow.AddMinutes(-20));
        using (var response = await f.Client.SendAsync(started))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        f.Upstreams.SeedExecution("repair-me", "exec-repair", "Failed", "octo-org/repair-me", Sha);
        var invocationsBefore = f.Host.Channel.InvocationsSent.Count;

        var timer = new TypedData { Json = TimerPayload(DateTimeOffset.UtcNow) };
        var swept = await f.Host.InvokeAsync("RepairSweep", [new ParameterBinding { Name = "timer", Data = timer }],
            new Dictionary<string, TypedData> { ["timer"] = timer });

        Assert.True(swept.Result.Status == StatusResult.Types.Status.Success, $"{swept.Result.Exception?.Message}\n{swept.Result.Exception?.StackTrace}");
        Assert.Equal(invocationsBefore + 1, f.Host.Channel.InvocationsSent.Count);
        Assert.Equal(["pending", "failure"], f.Upstreams.Statuses.Where(s => s.Sha == Sha).Select(s => s.State));
        Assert.Contains(f.Host.Channel.Logs, l => l.Message.Contains("Repair: pipeline repair-me execution exec-repair ended Failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_worker_logs_through_the_host_and_never_logs_a_secret()
    {
        // Something worth logging first: an event (secrets in use: the function key, the token, the AWS key) and a timer.
        // Another pipeline than the other tests', so the order the tests run in does not matter.
        using (var response = await f.Client.SendAsync(Requests.Sample("04-api-service.codeconnections.succeeded.json")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var timer = new TypedData { Json = TimerPayload(DateTimeOffset.UtcNow) };
        await f.Host.InvokeAsync("LedgerCleanup", [new ParameterBinding { Name = "timer", Data = timer }]);

        var logs = f.Host.Channel.Logs;
        Assert.NotEmpty(logs);
        // The scan below covers the bridge's own lines, not only the framework's.
        Assert.Contains(logs, l => l.Category.StartsWith("Bridge.", StringComparison.Ordinal) && l.Message.Contains("api-service", StringComparison.Ordinal));
        var text = string.Join("\n", logs.Select(l =>
            $"{l.Level} {l.Category} {l.Message} {l.Properties} {l.Exception?.Message} {l.Exception?.StackTrace} " +
            string.Join(",", l.PropertiesMap.Select(p => $"{p.Key}={p.Value}"))))
            + "\n" + string.Join("\n", f.Worker.Output);
        foreach (var secret in TestSecrets.All)
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..4]}…) is in the worker's logs");
    }

    private static string TimerPayload(DateTimeOffset now) => new JsonObject
    {
        ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
        ["ScheduleStatus"] = new JsonObject
        {
            ["Last"] = now.AddDays(-1).ToString("o"),
            ["Next"] = now.AddDays(1).ToString("o"),
            ["LastUpdated"] = now.AddDays(-1).ToString("o"),
        },
        ["IsPastDue"] = false,
    }.ToJsonString();
}
