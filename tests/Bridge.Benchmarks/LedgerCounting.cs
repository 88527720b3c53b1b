using Bridge.Core.Ordering;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Benchmarks;

/// <summary>Ledger round trips made by the bridge: every <see cref="IStatusLedger"/> call is one request to Table Storage.</summary>
internal sealed class LedgerCounter
{
    private long _reads;
    private long _writes;

    public long Reads => Interlocked.Read(ref _reads);
    public long Writes => Interlocked.Read(ref _writes);
    public long Total => Reads + Writes;

    public void Read() => Interlocked.Increment(ref _reads);
    public void Write() => Interlocked.Increment(ref _writes);

    public void Reset()
    {
        Interlocked.Exchange(ref _reads, 0);
        Interlocked.Exchange(ref _writes, 0);
    }
}

/// <summary>The host's own ledger (in memory or Table Storage), with every call counted.</summary>
internal sealed class CountingLedger(IStatusLedger inner, LedgerCounter counter) : IStatusLedger
{
    public Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct)
    {
        counter.Read();
        return inner.ReadAsync(key, ct);
    }

    public Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
    {
        counter.Write();
        return inner.TryWriteAsync(key, last, pending, leaseUntil, version, ct);
    }

    public Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct)
    {
        counter.Read();
        return inner.ListPendingAsync(before, max, continuation, ct);
    }
}

/// <summary>
/// Builds the host's container after every registration is in (the rig's <c>ConfigureHost</c> runs before the bridge
/// registers its services), and wraps the registered <see cref="IStatusLedger"/> in a <see cref="CountingLedger"/>.
/// </summary>
internal sealed class LedgerCountingFactory(LedgerCounter counter, ServiceProviderOptions providerOptions) : IServiceProviderFactory<IServiceCollection>
{
    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IStatusLedger) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("The host registers no IStatusLedger to count.");
        services.Remove(registered);
        services.AddSingleton<IStatusLedger>(sp => new CountingLedger(Create(sp, registered), counter));
        return services;
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider(providerOptions);

    private static IStatusLedger Create(IServiceProvider sp, ServiceDescriptor d) =>
        (IStatusLedger)(d.ImplementationInstance
            ?? d.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
