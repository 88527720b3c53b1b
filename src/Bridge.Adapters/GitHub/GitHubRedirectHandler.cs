namespace Bridge.Adapters.GitHub;

/// <summary>
/// GitHub answers 301 (reads) or 307 (writes) for a renamed or transferred repository. .NET's own redirect following
/// drops the credential, so GitHub then answers 401 and the bridge would blame the token. This handler follows a
/// redirect only on the same API origin (scheme, host and port), with the credential, a POST staying a POST for 307/308;
/// a redirect to any other origin is never followed (the credential goes nowhere else) and becomes a
/// <see cref="GitHubRedirectException"/> that names it. The primary handler must not follow redirects itself.
/// </summary>
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
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || hops >= MaxRedirects)
                return response;

            var from = request.RequestUri!;
            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            if (!SameOrigin(from, target))
            {
                response.Dispose();
                throw new GitHubRedirectException(status, from, target);
            }

            // A write redirected by anything but 307/308 would become a GET (browsers' rule): not followed, the caller sees the 3xx.
            var keepsMethod = status is 307 or 308;
            if (!keepsMethod && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
                return response;

            response.Dispose();
            request.RequestUri = target;
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme.Equals(b.Scheme, StringComparison.OrdinalIgnoreCase)
        && a.IdnHost.Equals(b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}

/// <summary>GitHub redirected a request to another origin; the bridge did not follow it (its credential stays with the API host).</summary>
public sealed class GitHubRedirectException(int status, Uri from, Uri to)
    : Exception($"GitHub answered {status} redirecting {from.GetLeftPart(UriPartial.Authority)} to another host, {to.GetLeftPart(UriPartial.Authority)}: the bridge does not send its credential there. Check the API base URL (GitHub:ApiBaseUrl) or the repository's new location.")
{
    public int Status => status;
    public Uri Location => to;
}
