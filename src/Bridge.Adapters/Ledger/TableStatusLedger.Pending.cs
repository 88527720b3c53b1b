using Azure.Data.Tables;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Ordering;

namespace Bridge.Adapters.Ledger;

/// <summary>The repair sweep's listing: pending slots, filtered on the server and read a bounded page at a time.</summary>
public sealed partial class TableStatusLedger
{
    public async Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        // Both conditions run in the table service (Azurite too), so only matching rows cross the network; a page never
        // holds more than max rows, and the continuation (the next partition and row key) resumes the scan next sweep.
        var filter = TableClient.CreateQueryFilter($"LastState eq {"pending"} and LastEventTime lt {before}");
        using var span = BridgeTelemetry.StartUpstream("ledger", "list-pending");
        var page = await Call(span, async () =>
        {
            await EnsureCreatedAsync(ct).ConfigureAwait(false);
            await foreach (var p in table.QueryAsync<TableEntity>(filter, max, cancellationToken: ct).AsPages(continuation, max).ConfigureAwait(false))
                return p;
            return null;
        }).ConfigureAwait(false);
        if (page is null) return PendingPage.Empty;
        var slots = new List<PendingSlot>(page.Values.Count);
        foreach (var row in page.Values.Take(max))
            if (KeyOf(row) is { } key)
                slots.Add(new PendingSlot(key, new LedgerRow(FromRow(row, "Last"), FromRow(row, "Pending"), row.GetDateTimeOffset("LeaseUntil"), row.ETag.ToString())));
        return new PendingPage(slots, page.ContinuationToken);
    }

    /// <summary>The inverse of <see cref="Keys"/>: host and repository (lower case, as GitHub matches them), sha and context.</summary>
    internal static StatusKey? KeyOf(TableEntity row)
    {
        var partition = Uri.UnescapeDataString(row.PartitionKey);
        var rowKey = Uri.UnescapeDataString(row.RowKey);
        var (host, sha) = (partition.IndexOf('/', StringComparison.Ordinal), rowKey.IndexOf('/', StringComparison.Ordinal));
        if (host <= 0 || sha <= 0) return null;
        return new StatusKey(partition[..host], partition[(host + 1)..], rowKey[..sha], rowKey[(sha + 1)..]);
    }
}
