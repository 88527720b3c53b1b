using Azure.Data.Tables;
using Bridge.Adapters.Ledger;
using Bridge.Core.Ordering;
using Bridge.Core.Repair;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Repair;

/// <summary>The repair sweep on the Table Storage ledger (Azurite), with two bridges sharing it as two instances would.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RepairAcrossInstancesTests(AzuriteFixture azurite)
{
    private const string Sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const string Sha2 = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    [Fact]
    public async Task Two_instances_sweeping_at_once_post_each_final_status_once()
    {
        var clock = RepairRig.NewClock();
        var table = azurite.NewTableName();
        void SameLedger(HarnessOptions o) => (o.TablesConnectionString, o.TableName) = (azurite.ConnectionString, table);
        await using var a = await RepairRig.StartAsync(clock, SameLedger);
        await using var b = await RepairRig.StartAsync(clock, SameLedger);
        // Each instance reaches "the same" CodePipeline: both fakes know the execution.
        foreach (var rig in new[] { a, b }) rig.Execution("web-app", "exec-shared", PipelineExecutionStatus.InProgress, Sha, Sha2);
        await a.StartedAsync("web-app", "exec-shared");
        foreach (var rig in new[] { a, b }) rig.Execution("web-app", "exec-shared", PipelineExecutionStatus.Failed, Sha, Sha2);

        var sweeps = new List<RepairReport[]>();
        for (var i = 0; i < 4; i++) sweeps.Add(await RepairRig.SweepAsync(clock, a, b));
        // Both looked at both slots in the same sweep; one instance posted each, the other found it done or being done.
        var last = sweeps[^1];
        Assert.All(last, r => Assert.Equal((2, 1), (r.Slots, r.Executions)));
        Assert.Equal(2, last.Sum(r => r.Count(RepairAction.Posted)));
        Assert.Equal(2, last.Sum(r => r.Count(RepairAction.Newer) + r.Count(RepairAction.Unchanged)));

        var posted = a.Harness.GitHub.Statuses.Concat(b.Harness.GitHub.Statuses).ToList();
        Assert.Equal(2, posted.Count(s => s.State == "failure"));
        Assert.Equal(2, posted.Count(s => s.State == "pending"));
        Assert.Equal(1, a.Calls("exec-shared") - 1); // STARTED's own lookup, then one per sweep that looked
        Assert.Equal(1, b.Calls("exec-shared"));

        // And the next sweep on either finds nothing pending.
        Assert.All(await RepairRig.SweepAsync(clock, a, b), r => Assert.Equal(0, r.Slots));
    }

    [Fact]
    public async Task A_row_written_before_the_ledger_kept_the_execution_is_skipped_with_a_log_line()
    {
        var table = azurite.NewTableName();
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock(), o => (o.TablesConnectionString, o.TableName) = (azurite.ConnectionString, table));
        var client = new TableServiceClient(azurite.ConnectionString).GetTableClient(table);
        await client.CreateIfNotExistsAsync();
        var (pk, rk) = TableStatusLedger.Keys(new StatusKey("github.com", "octo-org/web-app", Sha, "codepipeline/web-app"));
        var old = new TableEntity(pk, rk);
        foreach (var (column, value) in new (string, object)[]
        {
            ("LastExecutionId", "exec-old"), ("LastExecutionStart", rig.Clock.GetUtcNow()), ("LastAttempt", 1), ("LastEventTime", rig.Clock.GetUtcNow()),
            ("LastState", "pending"), ("LastDescription", "Pipeline web-app is running"), ("LastTargetUrl", "https://x"), ("LastContext", "codepipeline/web-app"),
        })
            old[column] = value;
        await client.AddEntityAsync(old);

        for (var i = 0; i < 3; i++) await rig.SweepAsync();
        var report = await rig.SweepAsync();

        Assert.Equal((1, 0, 1), (report.Slots, report.Executions, report.Count(RepairAction.Skipped)));
        Assert.Equal(0, rig.Harness.CodePipeline.RequestCount);
        Assert.Empty(rig.Harness.GitHub.Statuses);
        Assert.Contains("Repair skipped 1 pending slots written before the ledger kept account, region and pipeline", rig.Harness.AllLogText());
    }
}
