namespace Bridge.Adapters.GitHub;

/// <summary>
/// GitHub answers 301 (reads) or 307 (writes) for a renamed or transferred repository. .NET's own redirect following
/// drops the credential, so GitHub then answers 401 and the bridge would blame the token. This handler follows a
/// redirect only on the same API origin (scheme, host and port), with the credential, a POST staying a POST for 307/308;
/// a redirect to any other origin is never followed (the credential goes nowhere else) and becomes a
/// <see cref="GitHubRedirectException"/> that names it. The primary handler must not follow redirects itself.
/// </summary>
/// <remarks>
/// No redirect it does not follow leaves this handler as a response either (a write redirected by 301/302/303, a chain
/// of more than <see cref="MaxRedirects"/> hops): those become a <see cref="GitHubRedirectException"/> too, because
/// Octokit's <c>HttpClientAdapter</c> follows any 3xx with a Location it sees, itself, on any host, a 301 POST staying
/// a POST. The final answer's body is read here, within the attempt's timeout and cancellation: Octokit reads it after
/// the send without a cancellation token, so a body that stalls would otherwise hang the request past its budget.
/// </remarks>
public sealed class GitHubRedirectHandler : DelegatingHandler
{
    /// <summary>More hops than this is a loop, not a rename.</summary>
    public const int MaxRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        for (var hops = 0; ; hops++)
        {
            var response = await base.SendAsync(request, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
                return response;
            }

            var from = request.RequestUri!;
            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            response.Dispose();
            if (!SameOrigin(from, target))
                throw new GitHubRedirectException(status, from, target);

            // A write redirected by anything but 307/308 would become a GET (browsers' rule): not followed.
            var keepsMethod = status is 307 or 308;
            if (!keepsMethod && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
                throw GitHubRedirectException.NotFollowed(status, target, $"which the bridge does not follow for a {request.Method} (it would become a GET)");
            if (hops >= MaxRedirects)
                throw GitHubRedirectException.NotFollowed(status, target, $"after {MaxRedirects} redirects already: a loop, not followed");

            request.RequestUri = target;
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme.Equals(b.Scheme, StringComparison.OrdinalIgnoreCase)
        && a.IdnHost.Equals(b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}

/// <summary>
/// GitHub redirected a request and the bridge did not follow it: to another origin (its credential stays with the API
/// host), a write that would become a GET, or a loop.
/// </summary>
public sealed class GitHubRedirectException : Exception
{
    public GitHubRedirectException(int status, Uri from, Uri to)
        : this(status, to, $"GitHub answered {status} redirecting {from.GetLeftPart(UriPartial.Authority)} to another host, {to.GetLeftPart(UriPartial.Authority)}: the bridge does not send its credential there. Check the API base URL (GitHub:ApiBaseUrl) or the repository's new location.")
    {
    }

    private GitHubRedirectException(int status, Uri to, string message) : base(message)
    {
        Status = status;
        Location = to;
    }

    public int Status { get; }

    public Uri Location { get; }

    /// <summary>A same-origin redirect the bridge does not follow; <paramref name="why"/> completes the sentence.</summary>
    internal static GitHubRedirectException NotFollowed(int status, Uri to, string why) =>
        new(status, to, $"GitHub answered {status} redirecting to {to.GetLeftPart(UriPartial.Path)}, {why}");
}
