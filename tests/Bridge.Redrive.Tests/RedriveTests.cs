using System.Net;
using System.Net.Sockets;
using Bridge.Redrive.Tests.Fakes;
using Xunit.Abstractions;

namespace Bridge.Redrive.Tests;

/// <summary>The tool end to end: its own process, the real AWS SDK against the SQS fake, real HTTP to the bridge stub.</summary>
public sealed class RedriveTests(ITestOutputHelper log)
{
    private static readonly Answer Misconfigured = new(424, "misconfigured", "GitHub refused the bridge's credential or access: an operator must fix the configuration");

    [Fact]
    public async Task Three_messages_answered_2xx_424_2xx_delete_two_and_leave_one_reported()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2", Misconfigured);
        scene.DeadLetter("evt-3");

        var run = await scene.RedriveAsync();
        log.WriteLine(run.All);

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Equal(["evt-1", "evt-2", "evt-3"], scene.Bridge.Received);
        var left = Assert.Single(scene.Sqs.Bodies(scene.Queue));
        Assert.Contains("\"evt-2\"", left, StringComparison.Ordinal);
        Assert.Equal(1, scene.Sqs.VisibleCount(scene.Queue)); // given back at once, not after the visibility timeout
        Assert.Contains("redrive: 3 read, 2 redriven and deleted, 1 left (424 misconfigured: GitHub refused the bridge's credential", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("event evt-2 pipeline web-app SUCCEEDED (dead-lettered: SDK_CLIENT_ERROR", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, scene.Sqs.Calls.Count(c => c == "DeleteMessage"));
        Assert.DoesNotContain(Scene.Key, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_posts_nothing_deletes_nothing_and_gives_every_message_back()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2");
        scene.DeadLetter("evt-3");

        var run = await scene.RedriveAsync("--dry-run");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Empty(scene.Bridge.Received);
        Assert.Equal(3, scene.Sqs.Bodies(scene.Queue).Count);
        Assert.Equal(3, scene.Sqs.VisibleCount(scene.Queue));
        Assert.DoesNotContain("DeleteMessage", scene.Sqs.Calls);
        Assert.Equal(3, scene.Sqs.Calls.Count(c => c == "ChangeMessageVisibility"));
        Assert.Contains("redrive: 3 read, dry run: 0 sent, 0 deleted, 3 visible again", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, run.Stdout.Split('\n').Count(l => l.Contains("dry run: not sent", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Dry_run_needs_no_key()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");

        var run = await scene.RedriveWithAsync(new Dictionary<string, string?>(), "--dry-run");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Empty(scene.Bridge.Received);
    }

    [Fact]
    public async Task Running_twice_is_safe_the_second_run_finds_only_the_one_left()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2", Misconfigured);
        scene.DeadLetter("evt-3");

        var first = await scene.RedriveAsync();
        var second = await scene.RedriveAsync();

        Assert.Equal(1, first.ExitCode);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(["evt-1", "evt-2", "evt-3", "evt-2"], scene.Bridge.Received);
        Assert.Contains("redrive: 1 read, 0 redriven and deleted, 1 left (424 misconfigured", second.Stdout, StringComparison.Ordinal);
        Assert.Single(scene.Sqs.Bodies(scene.Queue));

        // Fixed on the bridge's side: the third run empties the queue and says so with exit code 0.
        scene.Bridge.Answer("evt-2", new Answer(200, "posted"));
        var third = await scene.RedriveAsync();
        Assert.Equal(0, third.ExitCode);
        Assert.Empty(scene.Sqs.Bodies(scene.Queue));
        Assert.Contains("redrive: 1 read, 1 redriven and deleted, 0 left", third.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_never_appears_in_the_output_even_when_the_answer_echoes_it()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1", new Answer(400, "invalid", $"unexpected header x-functions-key: {Scene.Key}"));
        scene.DeadLetter("evt-2", new Answer(200, "posted", $"echo {Scene.Key}"));

        var run = await scene.RedriveAsync();

        Assert.True(run.ExitCode == 1, run.All);
        Assert.DoesNotContain(Scene.Key, run.All, StringComparison.Ordinal);
        Assert.Contains("unexpected header x-functions-key: ***", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_can_come_from_a_key_file()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Scene.Key + "\n");
            var run = await scene.RedriveWithAsync(new Dictionary<string, string?>(), "--key-file", file);

            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["evt-1"], scene.Bridge.Received);
            Assert.Empty(scene.Sqs.Bodies(scene.Queue));
            Assert.DoesNotContain(Scene.Key, run.All, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--key", Scene.Key)]
    [InlineData("--key=" + Scene.Key)]
    [InlineData("-k", Scene.Key)]
    public async Task A_key_on_the_command_line_is_refused_with_the_reason(params string[] option)
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");

        var run = await scene.RedriveWithAsync(new Dictionary<string, string?>(), option);

        Assert.True(run.ExitCode == 2, run.All);
        Assert.Contains("is refused: a key on the command line is visible to every user in the process list", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: redrive", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Scene.Key, run.All, StringComparison.Ordinal);
        Assert.Empty(scene.Sqs.Calls);
        Assert.Empty(scene.Bridge.Received);
    }

    [Fact]
    public async Task Max_2_stops_after_two_messages()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2");
        scene.DeadLetter("evt-3");

        var run = await scene.RedriveAsync("--max", "2");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(["evt-1", "evt-2"], scene.Bridge.Received);
        Assert.Single(scene.Sqs.Bodies(scene.Queue));
        Assert.Equal(1, scene.Sqs.VisibleCount(scene.Queue));
        Assert.Contains("redrive: 2 read, 2 redriven and deleted, 0 left", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_leaves_every_message_and_exits_non_zero()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2");
        scene.DeadLetter("evt-3");
        // A loopback port nobody listens on: bound, read, closed.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await RedriveProcess.RunAsync(scene.Sqs.Url, new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = Scene.Key },
            "--queue-url", scene.Queue, "--endpoint", $"http://127.0.0.1:{port}/api/codepipeline-events");

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Equal(3, scene.Sqs.Bodies(scene.Queue).Count);
        Assert.Equal(3, scene.Sqs.VisibleCount(scene.Queue));
        Assert.DoesNotContain("DeleteMessage", scene.Sqs.Calls);
        Assert.Contains("endpoint unreachable", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 redriven and deleted, 3 left", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_503_with_Retry_After_leaves_the_message_hidden_until_then_and_the_rest_go_on()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1", new Answer(503, "retry", "an upstream failed transiently: try again after Retry-After", RetryAfterSeconds: 120));
        scene.DeadLetter("evt-2");

        var run = await scene.RedriveAsync();

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Equal(["evt-1", "evt-2"], scene.Bridge.Received);
        Assert.Contains("1 left (503 retry: an upstream failed transiently: try again after Retry-After (Retry-After 120 s))", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("visible again in 120 s", run.Stdout, StringComparison.Ordinal);
        Assert.Single(scene.Sqs.Bodies(scene.Queue));
        Assert.Equal(0, scene.Sqs.VisibleCount(scene.Queue));
        scene.Clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal(1, scene.Sqs.VisibleCount(scene.Queue));
    }

    [Fact]
    public async Task A_429_stops_sending_and_gives_the_rest_back_unsent()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1", new Answer(429, "rate-limited", "GitHub's rate limit: try again after Retry-After", RetryAfterSeconds: 60));
        scene.DeadLetter("evt-2");

        var run = await scene.RedriveAsync();

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Equal(["evt-1"], scene.Bridge.Received);
        Assert.Equal(2, scene.Sqs.Bodies(scene.Queue).Count);
        Assert.Equal(1, scene.Sqs.VisibleCount(scene.Queue)); // evt-2 at once, evt-1 after its Retry-After
        Assert.Contains("stopped: the bridge asked to slow down (429)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_stops_after_the_first_refusal()
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");
        scene.DeadLetter("evt-2");

        var run = await scene.RedriveWithAsync(new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = "not-the-key" });

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Empty(scene.Bridge.Received);
        Assert.Equal(2, scene.Sqs.VisibleCount(scene.Queue));
        Assert.Contains("401 unauthorized", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("not sent", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", run.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://bridge.example.com/api/codepipeline-events", "must use https")]
    [InlineData("https://bridge.example.com/api/codepipeline-events?code=abc", "must not carry the key")]
    [InlineData("ftp://bridge.example.com/", "must be an absolute URL")]
    public async Task An_endpoint_that_would_expose_the_key_is_refused(string endpoint, string reason)
    {
        await using var scene = await Scene.StartAsync();
        scene.DeadLetter("evt-1");

        var run = await RedriveProcess.RunAsync(scene.Sqs.Url, new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = Scene.Key },
            "--queue-url", scene.Queue, "--endpoint", endpoint);

        Assert.True(run.ExitCode == 2, run.All);
        Assert.Contains(reason, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(scene.Sqs.Calls);
    }

    [Theory]
    [InlineData("--endpoint", "https://bridge.example.com/api/codepipeline-events")]
    [InlineData("--queue-url", DeadLetters.QueueUrl, "--endpoint", "https://bridge.example.com/api/codepipeline-events", "--max", "0")]
    [InlineData("--queue-url", DeadLetters.QueueUrl, "--endpoint", "https://bridge.example.com/api/codepipeline-events", "--bogus")]
    [InlineData("--queue-url", DeadLetters.QueueUrl, "--endpoint")]
    public async Task Bad_arguments_print_the_usage_and_exit_2(params string[] args)
    {
        await using var scene = await Scene.StartAsync();
        var run = await RedriveProcess.RunAsync(scene.Sqs.Url, new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = Scene.Key }, args);

        Assert.True(run.ExitCode == 2, run.All);
        Assert.Contains("usage: redrive --queue-url URL --endpoint URL", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(scene.Sqs.Calls);
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_reported()
    {
        await using var scene = await Scene.StartAsync();
        var run = await RedriveProcess.RunAsync(scene.Sqs.Url, new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = Scene.Key },
            "--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/no-such-queue", "--endpoint", scene.Bridge.Endpoint.ToString());

        Assert.True(run.ExitCode == 1, run.All);
        Assert.Contains("does not exist", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(scene.Bridge.Received);
    }
}
