using Bridge.Functions.Tests.Support;

namespace Bridge.Functions.Tests.Protocol;

[Collection(WorkerCollection.Name)]
public sealed class HandshakeTests(WorkerFixture f)
{
    [Fact]
    public void Worker_indexes_and_loads_every_function()
    {
        Assert.Equal(["CodePipelineEvents", "Health", "HealthDeep", "LedgerCleanup"], f.Host.Functions.Keys.Order());
        Assert.NotNull(f.Host.WorkerHttpUri);
    }
}
