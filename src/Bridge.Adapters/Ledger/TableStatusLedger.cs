using Azure;
using Azure.Data.Tables;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;

namespace Bridge.Adapters.Ledger;

/// <summary>
/// The ordering ledger in Azure Table Storage: one small row per (repository, sha, context) holding the last status
/// posted there and, while an instance posts, its claim. ETags make every write conditional, so concurrent instances
/// re-decide instead of overwriting each other.
/// </summary>
/// <remarks>
/// The table is created on first use unless <paramref name="provisioned"/> (the deployment made it). Only success is
/// remembered: a failed create is tried again by the next request, and a 403 on create (a role scoped to the table may
/// not create tables) is not a failure; the table's own read or write then says whether the table is there.
/// </remarks>
public sealed partial class TableStatusLedger(TableServiceClient service, string tableName, bool provisioned = false) : IStatusLedger
{
    private readonly TableClient table = service.GetTableClient(tableName);
    private volatile bool _created = provisioned;

    private async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        try
        {
            // CreateTableAsync, not a CreateIfNotExists: both of those serialize their request body by reflection, which a
            // Native AOT build does not have (BENCHMARKS.md, Native AOT); this one writes it with generated code.
            await service.CreateTableAsync(tableName, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // It exists: the usual case after the first start.
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // Not allowed to create: assume the deployment did; a missing table shows as 404 on the call that follows.
        }
        _created = true;
    }

    public async Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct)
    {
        var (pk, rk) = Keys(key);
        using var call = BridgeTelemetry.StartUpstream("ledger", "read");
        var response = await Call(call, async () =>
        {
            await EnsureCreatedAsync(ct).ConfigureAwait(false);
            return await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row) return LedgerRow.Empty;
        return new LedgerRow(FromRow(row, "Last"), FromRow(row, "Pending"), row.GetDateTimeOffset("LeaseUntil"), row.ETag.ToString());
    }

    public async Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
    {
        var (pk, rk) = Keys(key);
        var row = new TableEntity(pk, rk);
        Write(row, "Last", last);
        Write(row, "Pending", pending);
        if (leaseUntil is { } until) row["LeaseUntil"] = until;
        using var call = BridgeTelemetry.StartUpstream("ledger", "write");
        try
        {
            var response = await Call(call, async () =>
            {
                await EnsureCreatedAsync(ct).ConfigureAwait(false);
                return version is null
                    ? await table.AddEntityAsync(row, ct).ConfigureAwait(false)
                    : await table.UpdateEntityAsync(row, new ETag(version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return response.Headers.ETag?.ToString() ?? throw new UpstreamException("Table Storage", FailureKind.Transient, "the status ledger answered without an ETag");
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // A lost race is the protocol working, not a failing ledger: told apart from errors, but not one.
            call.Succeeded("conflict");
            return null;
        }
    }

    /// <summary>Removes rows not written since <paramref name="cutoff"/>: GitHub keeps the statuses, only the ordering memory goes.</summary>
    public async Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var removed = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.Timestamp < cutoff, select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct).ConfigureAwait(false);
            removed++;
        }
        return removed;
    }

    /// <summary>Table keys may not hold '/', '\', '#' or '?'; percent-encoding keeps them readable and unique.</summary>
    internal static (string PartitionKey, string RowKey) Keys(StatusKey key) =>
        (Uri.EscapeDataString($"{key.Host}/{key.Repository}".ToLowerInvariant()), Uri.EscapeDataString($"{key.Sha}/{key.Context}"));

    private static void Write(TableEntity row, string prefix, LedgerEntry? e)
    {
        if (e is null) return;
        row[prefix + "ExecutionId"] = e.ExecutionId;
        row[prefix + "ExecutionStart"] = e.ExecutionStart;
        row[prefix + "Attempt"] = e.Attempt;
        row[prefix + "EventTime"] = e.EventTime;
        row[prefix + "State"] = CommitStatus.Wire(e.Status.State);
        row[prefix + "Description"] = e.Status.Description;
        row[prefix + "TargetUrl"] = e.Status.TargetUrl;
        row[prefix + "Context"] = e.Status.Context;
        if (e.RunId is { } run) row[prefix + "RunId"] = run;
        // Rows written before these columns lack them: the repair sweep skips such rows.
        if (e.Account is not null) row[prefix + "Account"] = e.Account;
        if (e.Region is not null) row[prefix + "Region"] = e.Region;
        if (e.Pipeline is not null) row[prefix + "Pipeline"] = e.Pipeline;
        if (e.Ended) row[prefix + "Ended"] = true;
    }

    private static LedgerEntry? FromRow(TableEntity r, string prefix) => r.GetString(prefix + "ExecutionId") is not { } executionId ? null : new(
        executionId,
        r.GetDateTimeOffset(prefix + "ExecutionStart") ?? DateTimeOffset.MinValue,
        r.GetInt32(prefix + "Attempt") ?? 0,
        r.GetDateTimeOffset(prefix + "EventTime") ?? DateTimeOffset.MinValue,
        new CommitStatus(CommitStatus.FromWire(r.GetString(prefix + "State")), r.GetString(prefix + "Context") ?? "",
            r.GetString(prefix + "Description") ?? "", r.GetString(prefix + "TargetUrl") ?? ""),
        r.GetInt64(prefix + "RunId"))
    {
        Account = r.GetString(prefix + "Account"),
        Region = r.GetString(prefix + "Region"),
        Pipeline = r.GetString(prefix + "Pipeline"),
        Ended = r.GetBoolean(prefix + "Ended") ?? false,
    };


    private static async Task<T> Call<T>(BridgeTelemetry.UpstreamCall span, Func<Task<T>> call)
    {
        try
        {
            var result = await call().ConfigureAwait(false);
            span.Succeeded();
            return result;
        }
        catch (RequestFailedException ex) when (span.Answered(ex.Status))
        {
            throw; // never taken: the filter only tags the span with the table's answer
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
        {
            throw new UpstreamException("Table Storage", FailureKind.Misconfigured,
                "the status ledger's table does not exist: create it (the deployment does) or let the bridge create it (Ledger:TableProvisioned=false)", inner: ex);
        }
        catch (RequestFailedException ex) when (ex.Status is not (409 or 412))
        {
            throw new UpstreamException("Table Storage", ex.Status is 401 or 403 ? FailureKind.Misconfigured : FailureKind.Transient,
                $"the status ledger answered {ex.Status} {ex.ErrorCode}", inner: ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or AggregateException)
        {
            throw new UpstreamException("Table Storage", FailureKind.Transient, "the status ledger could not be reached", inner: ex);
        }
    }
}
