namespace Bridge.Sandbox;

/// <summary>The claims of an app JWT the GitHub fake accepted (signature, <c>iss</c>, <c>iat</c> and <c>exp</c> all valid).</summary>
/// <param name="AppId">The <c>iss</c> claim: the app's id (sent as a number or a numeric string).</param>
/// <param name="IssuerWasString">True when <c>iss</c> came as a JSON string rather than a number.</param>
/// <param name="IssuedAt">The <c>iat</c> claim.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
/// <param name="Header">The decoded JOSE header, as sent.</param>
/// <param name="Payload">The decoded claims set, as sent.</param>
public sealed record AppJwtClaims(
    long AppId,
    bool IssuerWasString,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string Header,
    string Payload)
{
    /// <summary><c>exp</c> − <c>iat</c>: GitHub allows at most 10 minutes.</summary>
    public TimeSpan Lifetime => ExpiresAt - IssuedAt;
}
