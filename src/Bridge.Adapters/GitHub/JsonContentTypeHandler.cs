using System.Net.Http.Headers;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Octokit 14 sends its JSON body labelled application/x-www-form-urlencoded. GitHub tolerates that; strict
/// validators (and GitHub's own OpenAPI description) do not, so the request says what it is. Also pins the
/// REST API version and media type GitHub recommends sending.
/// </summary>
public sealed class JsonContentTypeHandler : DelegatingHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>GitHub's recommended media type first; plain JSON as the fallback its OpenAPI description declares.</summary>
    private const string Accept = "application/vnd.github+json, application/json; q=0.9";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Content is { } content && request.Method != HttpMethod.Get)
            content.Headers.ContentType = Json;
        request.Headers.Remove("X-GitHub-Api-Version");
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        // Octokit's own Accept (and any preview type) is replaced. Set as one constant, unparsed: parsing two media
        // types per request only to write them back out again is work for nothing.
        request.Headers.Remove("Accept");
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        return base.SendAsync(request, ct);
    }
}
