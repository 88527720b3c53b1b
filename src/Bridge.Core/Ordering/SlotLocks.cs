namespace Bridge.Core.Ordering;

/// <summary>
/// Serialises work on one status slot inside this process, so concurrent deliveries to one instance queue up here
/// instead of contending for the ledger's lease. A slot's gate lives only while someone holds or awaits it.
/// </summary>
internal sealed class SlotLocks
{
    private readonly Dictionary<StatusKey, (SemaphoreSlim Gate, int Users)> _slots = new();

    public async Task<IDisposable> EnterAsync(StatusKey key, CancellationToken ct)
    {
        SemaphoreSlim gate;
        lock (_slots)
        {
            gate = _slots.TryGetValue(key, out var slot) ? slot.Gate : new SemaphoreSlim(1, 1);
            _slots[key] = (gate, slot.Users + 1);
        }
        try
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Leave(key);
            throw;
        }
        return new Release(this, key, gate);
    }

    internal int Count { get { lock (_slots) return _slots.Count; } }

    private void Leave(StatusKey key)
    {
        lock (_slots)
        {
            var slot = _slots[key];
            if (slot.Users == 1) _slots.Remove(key);
            else _slots[key] = (slot.Gate, slot.Users - 1);
        }
    }

    private sealed class Release(SlotLocks owner, StatusKey key, SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            gate.Release();
            owner.Leave(key);
        }
    }
}
