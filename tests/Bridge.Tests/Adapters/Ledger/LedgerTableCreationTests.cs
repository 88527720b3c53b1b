using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Adapters.Ledger;

/// <summary>
/// Creating the ledger table is the one call a table-scoped role may be refused: a failure to create must never be
/// remembered, a provisioned table is not created at all, and a 403 on create with the table there is no failure.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LedgerTableCreationTests(AzuriteFixture azurite)
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";

    /// <summary>Answers Create Table (POST …/Tables) itself while <see cref="Refuse"/> is set; everything else goes to Azurite.</summary>
    private sealed class CreateTableGate : DelegatingHandler
    {
        public HttpStatusCode? Refuse { get; set; }
        public int Creates;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Post || !request.RequestUri!.AbsolutePath.EndsWith("/Tables", StringComparison.Ordinal))
                return base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref Creates);
            if (Refuse is not { } status) return base.SendAsync(request, cancellationToken);
            var code = status == HttpStatusCode.Forbidden ? "AuthorizationPermissionMismatch" : "ServerBusy";
            return Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent($"{{\"odata.error\":{{\"code\":\"{code}\",\"message\":{{\"lang\":\"en-US\",\"value\":\"{code}\"}}}}}}",
                    Encoding.UTF8, "application/json"),
            });
        }
    }

    private async Task<(BridgeHarness Harness, CreateTableGate Gate)> Start(bool createTable, string? provisioned)
    {
        var name = azurite.NewTableName();
        if (createTable) await new TableServiceClient(azurite.ConnectionString).CreateTableAsync(name);
        var gate = new CreateTableGate { InnerHandler = new SocketsHttpHandler() };
        var h = await BridgeHarness.StartAsync(o =>
        {
            o.TablesConnectionString = azurite.ConnectionString;
            o.TableName = name;
            if (provisioned is not null) o.Settings["Ledger:TableProvisioned"] = provisioned;
            o.Services = s => s.AddSingleton(new TableClientOptions { Transport = new HttpClientTransport(gate), Retry = { MaxRetries = 0 } });
        });
        return (h, gate);
    }

    private static Task<HttpResponseMessage> Post(BridgeHarness h, string state) =>
        h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));

    [Fact]
    public async Task One_failed_create_is_not_remembered()
    {
        var (h, gate) = await Start(createTable: false, provisioned: null);
        await using var _ = h;
        gate.Refuse = HttpStatusCode.ServiceUnavailable;
        var first = await Post(h, "STARTED");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        gate.Refuse = null;
        var second = await Post(h, "STARTED");
        Assert.True(HttpStatusCode.OK == second.StatusCode, $"{(int)second.StatusCode} {await second.Content.ReadAsStringAsync()}");
        Assert.Single(h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_provisioned_table_is_never_created()
    {
        var (h, gate) = await Start(createTable: true, provisioned: "true");
        await using var _ = h;
        gate.Refuse = HttpStatusCode.Forbidden;
        Assert.Equal(HttpStatusCode.OK, (await Post(h, "STARTED")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(h, "SUCCEEDED")).StatusCode);
        Assert.Equal(0, gate.Creates);
        Assert.Equal(2, h.GitHub.Statuses.Count);
    }

    [Fact]
    public async Task A_403_on_create_with_the_table_there_is_not_a_failure()
    {
        var (h, gate) = await Start(createTable: true, provisioned: null);
        await using var _ = h;
        gate.Refuse = HttpStatusCode.Forbidden;
        var response = await Post(h, "STARTED");
        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Single(h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_table_that_already_exists_is_used_once_Table_Storage_says_so()
    {
        // Created before the bridge starts: its create answers 409 TableAlreadyExists, which is not a failure.
        var (h, gate) = await Start(createTable: true, provisioned: null);
        await using var _ = h;
        var response = await Post(h, "STARTED");
        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, (await Post(h, "SUCCEEDED")).StatusCode);
        Assert.Equal(1, gate.Creates);
        Assert.Equal(2, h.GitHub.Statuses.Count);
    }
}
