namespace Bridge.Sandbox;

/// <summary>An installation access token the GitHub fake issued (<c>POST /app/installations/{id}/access_tokens</c> answered 201).</summary>
/// <param name="InstallationId">The installation the token acts as.</param>
/// <param name="Token">The token, <c>ghs_</c> and 36 characters (this is a fake: kept in clear so tests can tell tokens apart).</param>
/// <param name="IssuedAt">Issue time by the fake's clock.</param>
/// <param name="ExpiresAt">The <c>expires_at</c> the response carried (whole seconds): from then on the token answers 401 "Bad credentials".</param>
/// <param name="Permissions">What the token may do: the installation's permissions, or the subset the request asked for.</param>
/// <param name="Repositories">The repository names the request restricted the token to, or null for all of the account's ("repository_selection": "all").</param>
public sealed record IssuedInstallationToken(
    long InstallationId,
    string Token,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<string>? Repositories)
{
    /// <summary>Whether the token has expired at <paramref name="now"/> (GitHub's rule: from <see cref="ExpiresAt"/> on).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    // The token stays out of test output.
    public override string ToString() => $"installation {InstallationId} token, expires {ExpiresAt:u}";
}
