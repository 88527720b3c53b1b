using Octokit;
using Octokit.Internal;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// The one place an Octokit client is built: the bridge's product header, the API base (ending in '/'), a bearer
/// credential, the bridge's HTTP pipeline (resilience, content type) and the shared <see cref="GitHubJsonSerializer"/>.
/// The publisher, the GitHub App token provider and the deep health check all go through here, so they cannot drift apart.
/// </summary>
public static class GitHubClientFactory
{
    /// <summary>The User-Agent product GitHub sees on every request (GitHub requires one).</summary>
    public static ProductHeaderValue Product { get; } = new("codepipeline-github-bridge", "1.0");

    /// <summary>A client that authenticates with <paramref name="bearerToken"/> (a PAT, an installation token or an app JWT).</summary>
    /// <param name="apiBaseUrl">The REST API root: <c>https://api.github.com/</c> or <c>https://HOST/api/v3</c>.</param>
    /// <param name="handlerFactory">Gives the HTTP handler chain (from <see cref="IHttpMessageHandlerFactory"/>, so it is pooled).</param>
    public static GitHubClient Create(Uri apiBaseUrl, string bearerToken, Func<HttpMessageHandler> handlerFactory)
    {
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        ArgumentException.ThrowIfNullOrEmpty(bearerToken);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        return new GitHubClient(new Connection(Product, ApiBase(apiBaseUrl),
            new InMemoryCredentialStore(new Credentials(bearerToken, AuthenticationType.Bearer)),
            new HttpClientAdapter(handlerFactory), GitHubJsonSerializer.Instance));
    }

    /// <summary>
    /// A GET of <paramref name="path"/> (relative to the API base) answered with one of the bridge's wire types
    /// (GitHubWire.cs), read by generated code, not as an Octokit model (which Octokit would read by reflection).
    /// </summary>
    internal static async Task<T> GetAsync<T>(IGitHubClient client, string path, CancellationToken ct) =>
        (await client.Connection.Get<T>(new Uri(path, UriKind.Relative), null, null, ct).ConfigureAwait(false)).Body;

    /// <summary>
    /// The API base as Octokit must get it: ending in '/'. Octokit resolves its relative paths (<c>repos/…</c>) against
    /// the base like a browser does, so <c>https://HOST/api/v3</c> would lose <c>v3</c> and every call would go to
    /// <c>/api/repos/…</c>. The README and the Bicep template write the base without the slash.
    /// </summary>
    public static Uri ApiBase(Uri apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        if (!apiBaseUrl.IsAbsoluteUri) throw new ArgumentException($"The GitHub API base must be an absolute URL: {apiBaseUrl}", nameof(apiBaseUrl));
        return apiBaseUrl.AbsolutePath.EndsWith('/') ? apiBaseUrl : new UriBuilder(apiBaseUrl) { Path = apiBaseUrl.AbsolutePath + "/" }.Uri;
    }
}
