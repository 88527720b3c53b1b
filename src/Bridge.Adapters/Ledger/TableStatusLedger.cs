using Azure;
using Azure.Data.Tables;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;

namespace Bridge.Adapters.Ledger;

/// <summary>
/// The ordering ledger in Azure Table Storage: one small row per (repository, sha, context) holding only the
/// last status posted there. ETags make writes conditional, so concurrent instances re-decide instead of
/// overwriting each other.
/// </summary>
public sealed class TableStatusLedger(TableClient table) : IStatusLedger
{
    private readonly Lazy<Task> _created = new(() => table.CreateIfNotExistsAsync());

    public async Task<LedgerRead> ReadAsync(StatusKey key, CancellationToken ct)
    {
        var (pk, rk) = Keys(key);
        var response = await Call(async () =>
        {
            await _created.Value.ConfigureAwait(false);
            return await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row) return new LedgerRead(null, null);
        return new LedgerRead(FromRow(row), row.ETag.ToString());
    }

    public async Task<bool> TryWriteAsync(StatusKey key, LedgerEntry entry, string? version, CancellationToken ct)
    {
        var (pk, rk) = Keys(key);
        var row = ToRow(pk, rk, entry);
        try
        {
            await Call(async () =>
            {
                await _created.Value.ConfigureAwait(false);
                return version is null
                    ? await table.AddEntityAsync(row, ct).ConfigureAwait(false)
                    : await table.UpdateEntityAsync(row, new ETag(version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Removes rows not written for <paramref name="age"/>; GitHub keeps the statuses, only ordering memory goes.</summary>
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

    private static TableEntity ToRow(string pk, string rk, LedgerEntry e) => new(pk, rk)
    {
        ["ExecutionId"] = e.ExecutionId,
        ["ExecutionStart"] = e.ExecutionStart,
        ["Attempt"] = e.Attempt,
        ["EventTime"] = e.EventTime,
        ["State"] = CommitStatus.Wire(e.Status.State),
        ["Description"] = e.Status.Description,
        ["TargetUrl"] = e.Status.TargetUrl,
        ["Context"] = e.Status.Context,
    };

    private static LedgerEntry FromRow(TableEntity r) => new(
        r.GetString("ExecutionId") ?? "",
        r.GetDateTimeOffset("ExecutionStart") ?? DateTimeOffset.MinValue,
        r.GetInt32("Attempt") ?? 0,
        r.GetDateTimeOffset("EventTime") ?? DateTimeOffset.MinValue,
        new CommitStatus(ParseState(r.GetString("State")), r.GetString("Context") ?? "", r.GetString("Description") ?? "", r.GetString("TargetUrl") ?? ""));

    private static CommitState ParseState(string? s) => s switch
    {
        "pending" => CommitState.Pending,
        "success" => CommitState.Success,
        "failure" => CommitState.Failure,
        _ => CommitState.Error,
    };

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
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
