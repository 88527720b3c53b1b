using System.Diagnostics;
using System.Net.Http.Headers;
using Bridge.Functions.Tests.Support;

namespace Bridge.Benchmarks;

/// <summary>
/// Cold start of the <b>published Functions worker</b>: the tests' stand-in host serves the worker protocol, the fakes
/// run in this process, and the clock runs from starting the worker process to the first event answered through the
/// host's front door (StartStream, WorkerInit, metadata, load, then the HTTP invocation: STS, CodePipeline, GitHub).
/// The real Functions host's own start-up comes before the worker's and is not in this figure.
/// </summary>
internal static class WorkerColdStart
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var publish = Path.GetFullPath(o.PublishDir ?? throw new ArgumentException("--worker-cold-start needs --publish DIR (the output of dotnet publish src/Bridge.Functions)."));
        var samples = Path.Combine(Publisher.RepoRoot, "samples");
        var body = await File.ReadAllBytesAsync(Path.Combine(samples, o.FirstEvent));
        await using var upstreams = await Upstreams.StartAsync(WorkerFixture.Account, TestSecrets.GitHubToken, Path.Combine(samples, "executions.json"));
        var settings = upstreams.Settings(WorkerFixture.Region);
        settings["GitHub__Token"] = TestSecrets.GitHubToken;
        settings["Aws__RoleArn"] = WorkerFixture.RoleArn;
        settings["AWS_ACCESS_KEY_ID"] = TestSecrets.AwsAccessKeyId;
        settings["AWS_SECRET_ACCESS_KEY"] = TestSecrets.AwsSecretAccessKey;
        foreach (var (key, value) in o.ChildEnvironment) settings[key] = value;

        Console.WriteLine($"Cold start of the Functions worker in {publish}, under the stand-in host");
        Console.WriteLine($"  load average before: {ColdStart.LoadAverage()}");
        var times = new List<double>();
        for (var i = 0; i < o.WorkerColdStarts; i++)
        {
            await using var host = await FunctionsHost.StartAsync();
            var clock = Stopwatch.StartNew();
            await using var worker = WorkerProcess.Start(publish, host.GrpcUri, settings);
            if (await Task.WhenAny(host.Channel.Started, worker.Exited, Task.Delay(WorkerFixture.StartTimeout)) != host.Channel.Started)
                throw new InvalidOperationException("The worker did not connect:\n" + string.Join("\n", worker.Output));
            await host.InitializeWorkerAsync(publish);
            using var client = new HttpClient(host.CreateFrontDoor(TestSecrets.FunctionKey)) { BaseAddress = new Uri("http://bridge-functions.test/") };
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/codepipeline-events") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
            using var response = await client.SendAsync(request);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The first event was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            times.Add(elapsed);
            Console.WriteLine($"  run {i + 1}: first event {elapsed,6:F0} ms   (load {ColdStart.LoadAverage()})");
            await host.TerminateWorkerAsync(TimeSpan.FromSeconds(2));
        }
        times.Sort();
        Console.WriteLine($"  worker process start → first event answered: median {times[times.Count / 2],4:F0} ms  min {times[0],4:F0}  max {times[^1],4:F0}");
        return 0;
    }
}
