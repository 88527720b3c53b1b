namespace Bridge.Functions.Tests.Support;

/// <summary>Secrets handed to the worker, so tests can check that none of them ever shows up in its logs.</summary>
public static class TestSecrets
{
    public const string FunctionKey = "fk-9e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b";
    public const string GitHubToken = "ghp_WORKERTESTa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5";
    public const string AwsAccessKeyId = "AKIAWORKERTEST000001";
    public const string AwsSecretAccessKey = "worker/SECRET+key/for/the/worker/tests00";

    public static IEnumerable<string> All => [FunctionKey, GitHubToken, AwsSecretAccessKey];
}

/// <summary>
/// Once per test run: publish the Functions app, start the fakes and the stand-in host, launch the published worker
/// against them, and complete the start-up handshake. Disposal terminates the worker (WorkerTerminate, then the process
/// tree is killed) and stops everything else.
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    public const string Account = "111122223333";
    public const string Region = "eu-west-1";
    public const string RoleArn = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _publishDirectory = Path.Combine(Path.GetTempPath(), "bridge-functions-worker-" + Guid.NewGuid().ToString("N"));

    /// <summary>The published app, for tests that start a worker of their own (settings contract).</summary>
    public string PublishDirectory => _publishDirectory;

    public Upstreams Upstreams { get; private set; } = null!;
    public FunctionsHost Host { get; private set; } = null!;
    public WorkerProcess Worker { get; private set; } = null!;
    public FrontDoor FrontDoor { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public TimeSpan PublishDuration { get; private set; }

    public static string SamplesDirectory => Path.Combine(Publisher.RepoRoot, "samples");

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var publish = Publisher.PublishAsync(_publishDirectory, PublishTimeout);
        Upstreams = await Upstreams.StartAsync(Account, TestSecrets.GitHubToken, Path.Combine(SamplesDirectory, "executions.json"));
        Host = await FunctionsHost.StartAsync();
        await publish;
        PublishDuration = started.Elapsed;

        var settings = Upstreams.Settings(Region);
        settings["GitHub__Token"] = TestSecrets.GitHubToken;
        settings["GitHub__MaxWritesPerMinute"] = "100000";
        settings["GitHub__MaxWritesPerHour"] = "2147483647";
        settings["Aws__RoleArn"] = RoleArn;
        settings["AWS_ACCESS_KEY_ID"] = TestSecrets.AwsAccessKeyId;
        settings["AWS_SECRET_ACCESS_KEY"] = TestSecrets.AwsSecretAccessKey;
        settings["Logging__LogLevel__Default"] = "Information";
        // Every minute is a repair minute, so the test's one invocation of the every-minute timer sweeps.
        settings["Repair__Interval"] = "00:01:00";
        Worker = WorkerProcess.Start(_publishDirectory, Host.GrpcUri, settings);

        var connected = await Task.WhenAny(Host.Channel.Started, Worker.Exited, Task.Delay(StartTimeout));
        if (connected != Host.Channel.Started)
            throw new InvalidOperationException((Worker.HasExited ? "The worker exited before it connected" : $"The worker did not connect within {StartTimeout}")
                + ":\n" + string.Join("\n", Worker.Output));
        var startStream = await Host.Channel.Started;
        if (startStream.WorkerId != Worker.WorkerId)
            throw new InvalidOperationException($"StartStream named worker '{startStream.WorkerId}', the host started '{Worker.WorkerId}'.");

        try
        {
            await Host.InitializeWorkerAsync(_publishDirectory);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("Worker start-up handshake failed. Worker output:\n" + string.Join("\n", Worker.Output), e);
        }
        FrontDoor = Host.CreateFrontDoor(TestSecrets.FunctionKey);
        Client = new HttpClient(FrontDoor) { BaseAddress = new Uri("http://bridge-functions.test/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Worker is not null)
        {
            await Host.TerminateWorkerAsync(TimeSpan.FromSeconds(2));
            await Task.WhenAny(Worker.Exited, Task.Delay(TimeSpan.FromSeconds(5)));
            await Worker.DisposeAsync();
        }
        if (Host is not null) await Host.DisposeAsync();
        if (Upstreams is not null) await Upstreams.DisposeAsync();
        try { Directory.Delete(_publishDirectory, recursive: true); }
        catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "published worker";
}
