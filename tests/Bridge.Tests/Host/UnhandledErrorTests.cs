using System.Net;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Host;

/// <summary>A bug while handling an event is still an answer EventBridge can pace: 500 with Retry-After, no details, no secret in the log.</summary>
public sealed class UnhandledErrorTests
{
    /// <summary>What a token with a newline did to Octokit: a FormatException whose message holds the whole token.</summary>
    private sealed class Broken : IStatusPublisher
    {
        public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct) =>
            throw new FormatException($"The format of value 'token {TestSecrets.GitHubToken}\n' is invalid.");
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_bug_answers_500_with_Retry_After_and_its_message_stays_out_of_the_log(string environment)
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.Environment = environment;
            o.Services = s => s.AddSingleton<IStatusPublisher>(new Broken());
        });
        var response = await h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "worker", trigger: TestEvents.GitTrigger("0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(TestSecrets.GitHubToken, text);
        Assert.DoesNotContain(TestSecrets.GitHubToken, h.AllLogText());
        Assert.Contains("FormatException", h.AllLogText());
    }
}
