using System.Net;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>The AWS fakes refuse what the real services refuse, and the bridge's requests pass them.</summary>
public sealed class StrictAwsFakeTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task GetPipelineExecution_is_signed_for_codepipeline_in_the_events_region()
    {
        _h.CodePipeline.Region = TestEvents.Region;
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(TestEvents.Pipeline("STARTED"))).StatusCode);
        var signer = Assert.Single(_h.CodePipeline.Signers);
        Assert.Equal((TestEvents.Region, "codepipeline"), (signer.Region, signer.Service));
        Assert.True(signer.HasSecurityToken);
        var request = Assert.Single(_h.CodePipeline.Requests);
        Assert.Equal(FakeCodePipeline.GetPipelineExecutionTarget, request.Headers["X-Amz-Target"]);
    }

    [Fact]
    public async Task A_regional_endpoint_refuses_a_signature_for_another_region()
    {
        _h.CodePipeline.Region = "us-east-1";
        var response = await _h.PostAsync(TestEvents.Pipeline("STARTED"));
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("InvalidSignatureException", await response.Content.ReadAsStringAsync());
        Assert.Empty(_h.CodePipeline.Signers);
    }

    [Theory]
    [InlineData("Action=AssumeRole&RoleArn=arn:aws:iam::111122223333:role/r&RoleSessionName=s")]
    [InlineData("Action=AssumeRole&Version=2010-01-01&RoleArn=arn:aws:iam::111122223333:role/r&RoleSessionName=s")]
    public async Task STS_refuses_a_call_without_its_API_version(string form)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(_h.Sts.BaseAddress, new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>InvalidAction</Code>", body);
        Assert.Contains("<Type>Sender</Type>", body);
    }
}
