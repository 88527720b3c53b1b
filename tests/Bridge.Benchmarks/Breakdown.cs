using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Benchmarks;

/// <summary>
/// Where an event's CPU goes: the bridge's own services, taken from the running host's container and called
/// in-process (no Kestrel, no client), each against the same fakes. Compared with the direct-to-fake baseline, the
/// difference is what the bridge's GitHub and AWS client stacks cost per call.
/// </summary>
internal static class Breakdown
{
    public static async Task<IReadOnlyList<PhaseResult>> RunAsync(Rig rig, Workload day, int count, int concurrency, AllocationProfile? profile = null, TextWriter? profileOut = null)
    {
        var services = rig.App.Services;
        var results = new List<PhaseResult>();
        async Task Add(Func<Task<PhaseResult>> run)
        {
            profile?.Start();
            var result = await run();
            if (profile?.Stop() is { } types && profileOut is not null)
                AllocationProfile.Print(profileOut, $"in-process {result.Name}", types, result.Requests, result.AllocatedBytes, top: 15);
            results.Add(result);
        }

        // The whole handler, in-process, on the day's events again (all duplicates or stale by now): parse, cache, lock, ledger.
        var handler = services.GetRequiredService<PipelineEventHandler>();
        await Add(() => Load.RunAsync("handler in-process (replay)", count, concurrency, async i =>
            (await handler.HandleAsync(day.Events[i % day.Events.Count].Body, CancellationToken.None)).StatusCode));

        // One status through the bridge's GitHub stack: rate gate, Octokit, IHttpClientFactory handlers, resilience pipeline.
        var publisher = services.GetRequiredService<IStatusPublisher>();
        await Add(() => Load.RunAsync("IStatusPublisher.PublishAsync", count, concurrency, async i =>
        {
            var sha = Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadLeft(40, 'b');
            var status = new CommitStatus(CommitState.Success, "codepipeline/breakdown", "Pipeline breakdown succeeded",
                $"https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/breakdown/executions/{i}/timeline?region=eu-west-1");
            var result = await publisher.PublishAsync(new GitHubRevision("github.com", Workload.Owner, "breakdown", sha), status, CancellationToken.None);
            return result.Failure is null ? 201 : 500;
        }));

        // The same POST through the named "github" HttpClient (JsonContentTypeHandler, resilience pipeline, the factory's
        // logging and metrics handlers) without Octokit: the difference to the line above is Octokit's own cost.
        var factory = services.GetRequiredService<IHttpClientFactory>();
        var github = factory.CreateClient(Bridge.Adapters.BridgeServiceCollectionExtensions.GitHubHttpClient);
        github.BaseAddress = rig.GitHub.ApiAddress;
        await Add(() => Load.RunAsync("named HttpClient \"github\" (no Octokit)", count, concurrency, async i =>
        {
            using var request = Requests.DirectStatus(i + 1_000_000);
            using var response = await github.SendAsync(request, CancellationToken.None);
            return (int)response.StatusCode;
        }));

        // One GetPipelineExecution through the bridge's AWS stack: cached STS credentials, SigV4, resilience, JSON.
        var source = services.GetRequiredService<IExecutionSource>();
        var seeded = day.Executions.Where(x => x.Source != SourceKind.Trigger).ToArray();
        if (seeded.Length > 0)
        {
            await Add(() => Load.RunAsync("IExecutionSource.GetExecutionAsync", count, concurrency, async i =>
            {
                var x = seeded[i % seeded.Length];
                var revisions = (await source.GetExecutionAsync(new ExecutionRef(Workload.Account, Workload.Region, x.Pipeline, x.Id), CancellationToken.None)).Revisions;
                return revisions.Count > 0 ? 200 : 500;
            }));
        }
        return results;
    }
}
