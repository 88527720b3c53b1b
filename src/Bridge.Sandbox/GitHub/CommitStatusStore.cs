using System.Collections.Concurrent;

namespace Bridge.Sandbox;

/// <summary>
/// The statuses GitHub keeps per (repository, sha, context). One small lock per key: concurrent posts to different
/// commits or contexts never contend, and within one key the list order is the arrival order.
/// </summary>
internal sealed class CommitStatusStore
{
    /// <summary>GitHub refuses more than 1,000 statuses per sha and context.</summary>
    public const int MaxPerContext = 1000;

    private readonly ConcurrentDictionary<(string Repo, string Sha, string Context), List<PostedStatus>> _byKey = new();
    private readonly ConcurrentQueue<PostedStatus> _all = new();
    private long _sequence;

    public IReadOnlyList<PostedStatus> All => [.. _all.OrderBy(s => s.Sequence)];

    /// <summary>Adds the status built by <paramref name="create"/> (given its sequence number), or returns null when the key is full.</summary>
    public PostedStatus? TryAdd(string ownerRepo, string sha, string context, Func<long, PostedStatus> create)
    {
        var list = _byKey.GetOrAdd(Key(ownerRepo, sha, context), static _ => []);
        lock (list)
        {
            if (list.Count >= MaxPerContext)
            {
                return null;
            }

            // Numbered inside the lock, so within a key the sequence order is the list order.
            var status = create(Interlocked.Increment(ref _sequence));
            list.Add(status);
            _all.Enqueue(status);
            return status;
        }
    }

    public IReadOnlyList<PostedStatus> For(string ownerRepo, string sha, string context)
    {
        if (!_byKey.TryGetValue(Key(ownerRepo, sha, context), out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public PostedStatus? Latest(string ownerRepo, string sha, string context)
    {
        if (!_byKey.TryGetValue(Key(ownerRepo, sha, context), out var list))
        {
            return null;
        }

        lock (list)
        {
            return list.Count == 0 ? null : list[^1];
        }
    }

    public void Clear()
    {
        _byKey.Clear();
        _all.Clear();
    }

    // GitHub owner and repository names are case-insensitive; SHAs are hex.
    private static (string, string, string) Key(string ownerRepo, string sha, string context) =>
        (ownerRepo.ToLowerInvariant(), sha.ToLowerInvariant(), context);
}
