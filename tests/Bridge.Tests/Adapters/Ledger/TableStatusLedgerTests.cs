using Azure.Data.Tables;
using Bridge.Adapters.Ledger;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Ledger;

/// <summary>The Table Storage ledger against Azurite: conditional writes are what keep instances from overwriting each other.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableStatusLedgerTests(AzuriteFixture azurite)
{
    private static readonly StatusKey Key = new("github.com", "Octo-Org/web-app", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "codepipeline/web-app#1?x");
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private TableStatusLedger NewLedger(out TableClient table)
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var name = azurite.NewTableName();
        table = service.GetTableClient(name);
        return new TableStatusLedger(service, name);
    }

    private static LedgerEntry Entry(string exec, CommitState state) =>
        new(exec, T0, 2, T0.AddMinutes(3), new CommitStatus(state, "codepipeline/web-app", $"Pipeline web-app {state}", "https://eu-west-1.console.aws.amazon.com/x"));

    [Fact]
    public async Task A_row_round_trips_every_field()
    {
        var ledger = NewLedger(out _);
        Assert.Equal(LedgerRow.Empty, await ledger.ReadAsync(Key, default));
        var last = Entry("a", CommitState.Success) with { Account = "111122223333", Region = "eu-west-1", Pipeline = "web-app", Ended = true };
        var pending = Entry("b", CommitState.Pending) with { Account = "444455556666", Region = "us-east-1", Pipeline = "web-app" };
        var version = await ledger.TryWriteAsync(Key, last, pending, T0.AddSeconds(10), null, default);
        Assert.NotNull(version);
        var row = await ledger.ReadAsync(Key, default);
        Assert.Equal((last, pending, (DateTimeOffset?)T0.AddSeconds(10), version), (row.Last, row.Pending, row.LeaseUntil, row.Version));
    }

    [Fact]
    public async Task A_row_written_before_the_execution_columns_reads_without_them()
    {
        var ledger = NewLedger(out var table);
        var (pk, rk) = TableStatusLedger.Keys(Key);
        await table.CreateIfNotExistsAsync();
        // Exactly the columns the ledger wrote before it kept account, region and pipeline.
        var old = new TableEntity(pk, rk);
        foreach (var (column, value) in new (string, object)[]
        {
            ("LastExecutionId", "a"), ("LastExecutionStart", T0), ("LastAttempt", 1), ("LastEventTime", T0), ("LastState", "pending"),
            ("LastDescription", "Pipeline web-app is running"), ("LastTargetUrl", "https://x"), ("LastContext", "codepipeline/web-app"),
        })
            old[column] = value;
        await table.AddEntityAsync(old);

        var last = (await ledger.ReadAsync(Key, default)).Last!;
        Assert.Equal((CommitState.Pending, (string?)null, (ExecutionRef?)null, false), (last.Status.State, last.Account, last.Execution(), last.Ended));
    }

    [Fact]
    public async Task Creating_a_row_twice_loses_the_race()
    {
        var ledger = NewLedger(out _);
        Assert.NotNull(await ledger.TryWriteAsync(Key, Entry("a", CommitState.Pending), null, null, null, default));
        Assert.Null(await ledger.TryWriteAsync(Key, Entry("b", CommitState.Pending), null, null, null, default));
    }

    [Fact]
    public async Task A_write_from_a_stale_read_loses_the_race()
    {
        var ledger = NewLedger(out _);
        var v1 = await ledger.TryWriteAsync(Key, Entry("a", CommitState.Pending), null, null, null, default);
        var v2 = await ledger.TryWriteAsync(Key, Entry("a", CommitState.Success), null, null, v1, default);
        Assert.NotNull(v2);
        Assert.NotEqual(v1, v2);
        Assert.Null(await ledger.TryWriteAsync(Key, Entry("a", CommitState.Failure), null, null, v1, default));
        Assert.Equal(CommitState.Success, (await ledger.ReadAsync(Key, default)).Last!.Status.State);
    }

    [Fact]
    public async Task Keys_with_slashes_hashes_and_question_marks_are_stored_apart()
    {
        var ledger = NewLedger(out var table);
        var other = Key with { Context = "codepipeline/web-app/Build" };
        await ledger.TryWriteAsync(Key, Entry("a", CommitState.Pending), null, null, null, default);
        await ledger.TryWriteAsync(other, Entry("a", CommitState.Failure), null, null, null, default);
        Assert.Equal(CommitState.Pending, (await ledger.ReadAsync(Key, default)).Last!.Status.State);
        Assert.Equal(CommitState.Failure, (await ledger.ReadAsync(other, default)).Last!.Status.State);
        Assert.Equal(2, table.Query<TableEntity>().Count());
    }

    [Fact]
    public async Task Pending_rows_older_than_the_cutoff_are_listed_by_a_server_side_filter_one_bounded_page_at_a_time()
    {
        var ledger = NewLedger(out _);
        var pending = Entry("a", CommitState.Pending) with { Account = "111122223333", Region = "eu-west-1", Pipeline = "web-app" };
        var old = Enumerable.Range(0, 5).Select(i => Key with { Sha = $"{i:x40}" }).ToList();
        foreach (var key in old) await ledger.TryWriteAsync(key, pending, null, null, null, default);
        // Not listed: pending but recent, and an old slot that is no longer pending.
        await ledger.TryWriteAsync(Key with { Sha = new string('e', 40) }, pending with { EventTime = T0.AddHours(1) }, null, null, null, default);
        await ledger.TryWriteAsync(Key with { Sha = new string('f', 40) }, Entry("a", CommitState.Success), null, null, null, default);

        var cutoff = T0.AddMinutes(30);
        var seen = new List<PendingSlot>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await ledger.ListPendingAsync(cutoff, 2, continuation, default);
            Assert.InRange(page.Slots.Count, 0, 2);
            seen.AddRange(page.Slots);
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null && pages < 10);

        // Keys come back as GitHub matches them (host and repository in lower case); the row as ReadAsync gives it.
        Assert.Equal(old.Select(k => k with { Repository = "octo-org/web-app" }), seen.Select(s => s.Key).OrderBy(k => k.Sha, StringComparer.Ordinal));
        Assert.All(seen, s => Assert.Equal(pending, s.Row.Last));
        Assert.Equal((await ledger.ReadAsync(old[0], default)).Version, seen[0].Row.Version);
        Assert.InRange(pages, 3, 4);
    }

    [Fact]
    public async Task Old_rows_are_purged()
    {
        var ledger = NewLedger(out var table);
        await ledger.TryWriteAsync(Key, Entry("a", CommitState.Success), null, null, null, default);
        Assert.Equal(0, await ledger.PurgeOlderThanAsync(DateTimeOffset.UtcNow.AddDays(-1), default));
        Assert.Equal(1, await ledger.PurgeOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(1), default));
        Assert.Empty(table.Query<TableEntity>());
    }

    [Fact]
    public async Task An_unreachable_table_is_a_transient_failure()
    {
        var ledger = new TableStatusLedger(new TableServiceClient(new Uri("http://127.0.0.1:9/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", "AAAA"), new TableClientOptions { Retry = { MaxRetries = 0 } }), "t");
        var ex = await Assert.ThrowsAsync<Bridge.Core.Handling.UpstreamException>(() => ledger.ReadAsync(Key, default));
        Assert.Equal(Bridge.Core.Handling.FailureKind.Transient, ex.Kind);
    }
}
