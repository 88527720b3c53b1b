namespace Bridge.Tests.Support;

/// <summary>
/// Table Storage for the ledger tests: the Azurite that tests/run-all.sh started (BRIDGE_TEST_TABLES), or one this
/// fixture starts and stops itself, so `dotnet test` alone works after `npm ci` in tests/tools.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private NodeTool? _azurite;
    private int _tables;

    public string ConnectionString { get; private set; } = "";

    /// <summary>A table name no other test uses (Azurite is shared by the whole run).</summary>
    public string NewTableName() => $"ledger{Environment.ProcessId}x{Interlocked.Increment(ref _tables)}";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_TEST_TABLES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }
        _azurite = await NodeTool.StartAsync("azurite-table",
            port => $"--tableHost 127.0.0.1 --tablePort {port} --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent",
            async (http, port) => (int)(await http.GetAsync($"http://127.0.0.1:{port}/devstoreaccount1/Tables")).StatusCode > 0,
            TimeSpan.FromSeconds(60));
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{_azurite.Port}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
