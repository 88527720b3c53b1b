using System.Net;
using Bridge.Adapters.GitHub;
using Polly;
using Polly.Timeout;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>Which GitHub answers the transport retries within the request, and which go back to the handler at once.</summary>
public sealed class GitHubResilienceTests
{
    private static bool Retried(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        using var response = new HttpResponseMessage(status);
        if (retryAfter is { } wait) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        return GitHubResilience.ShouldRetryGitHub(Outcome.FromResult(response));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public void Server_errors_and_request_timeouts_are_retried(int status) => Assert.True(Retried((HttpStatusCode)status));

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    [InlineData(501)]
    public void Answers_and_client_errors_are_not_retried(int status) => Assert.False(Retried((HttpStatusCode)status));

    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    public void A_rate_limit_is_retried_only_when_its_wait_fits_in_the_request(int status)
    {
        Assert.True(Retried((HttpStatusCode)status, TimeSpan.FromSeconds(1)));
        Assert.True(Retried((HttpStatusCode)status, TimeSpan.Zero));
        Assert.False(Retried((HttpStatusCode)status, TimeSpan.FromSeconds(2)));
        Assert.False(Retried((HttpStatusCode)status)); // no Retry-After: a secondary limit or a refusal
    }

    [Fact]
    public void Connection_errors_and_attempt_timeouts_are_retried_other_exceptions_are_not()
    {
        Assert.True(GitHubResilience.ShouldRetryGitHub(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset"))));
        Assert.True(GitHubResilience.ShouldRetryGitHub(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.False(GitHubResilience.ShouldRetryGitHub(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())));
        Assert.False(GitHubResilience.ShouldRetryGitHub(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }
}
