using System.Net.Http.Headers;
using System.Text;

namespace Bridge.Benchmarks;

/// <summary>The requests the benchmark sends.</summary>
internal static class Requests
{
    /// <summary>One EventBridge API-destination delivery, with the headers EventBridge sends.</summary>
    public static HttpRequestMessage Event(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/codepipeline-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", "Amazon/EventBridge/ApiDestinations");
        request.Headers.TryAddWithoutValidation("x-functions-key", Rig.FunctionKey);
        return request;
    }

    /// <summary>What Octokit sends for one status, straight to the fake (distinct SHAs keep every context under GitHub's 1,000 cap).</summary>
    public static HttpRequestMessage DirectStatus(int i)
    {
        var sha = Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadLeft(40, '0');
        var body = $$"""{"state":"success","target_url":"https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/base/executions/{{i}}/timeline?region=eu-west-1","description":"Pipeline base succeeded","context":"codepipeline/base"}""";
        var request = new HttpRequestMessage(HttpMethod.Post, $"repos/octo-org/base/statuses/{sha}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Rig.GitHubToken);
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.github+json");
        request.Headers.TryAddWithoutValidation("User-Agent", "codepipeline-github-bridge/1.0");
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        return request;
    }
}
