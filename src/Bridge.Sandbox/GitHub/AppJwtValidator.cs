using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>
/// Checks a GitHub App JWT as GitHub does: RS256 only, signed with the registered key of the app named by <c>iss</c>,
/// <c>iat</c> an integer no more than 60 s ahead of the clock, <c>exp</c> in the future and at most 10 minutes after
/// <c>iat</c> (and after now). Failures carry GitHub's own messages.
/// </summary>
internal static class AppJwtValidator
{
    public const string NotDecoded = "A JSON web token could not be decoded";
    public const string IssuerInvalid = "'Issuer' claim ('iss') must be an Integer";
    public const string IssuedAtInvalid = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    public const string ExpirationInvalid = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    public const string ExpirationTooFar = "'Expiration time' claim ('exp') is too far in the future";

    /// <summary>The longest <c>exp</c> − <c>iat</c> (and <c>exp</c> − now) GitHub accepts.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How far ahead of GitHub's clock <c>iat</c> may be.</summary>
    public static readonly TimeSpan IssuedAtLeeway = TimeSpan.FromSeconds(60);

    // DateTimeOffset.MaxValue in Unix seconds: anything beyond cannot be a date.
    private const double MaxUnixSeconds = 253_402_300_799;

    /// <param name="jwt">The compact serialisation (<c>header.payload.signature</c>).</param>
    /// <param name="publicKeyOf">The app's SubjectPublicKeyInfo, or null for an unknown app.</param>
    /// <param name="now">GitHub's clock.</param>
    public static AppJwtResult Validate(string jwt, Func<long, byte[]?> publicKeyOf, DateTimeOffset now)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0
            || !TryDecode(parts[0], out var headerBytes)
            || !TryDecode(parts[1], out var payloadBytes)
            || !TryDecode(parts[2], out var signature))
        {
            return AppJwtResult.Fail(NotDecoded);
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            using var payload = JsonDocument.Parse(payloadBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String
                || !string.Equals(alg.GetString(), "RS256", StringComparison.Ordinal))
            {
                return AppJwtResult.Fail(NotDecoded);
            }

            var claims = payload.RootElement;
            if (!TryIssuer(claims, out var appId, out var issuerWasString))
            {
                return AppJwtResult.Fail(IssuerInvalid);
            }

            // An unknown app and a wrong key look the same from outside: GitHub says it cannot decode the token.
            if (publicKeyOf(appId) is not { } publicKey || !Verify(publicKey, parts[0], parts[1], signature))
            {
                return AppJwtResult.Fail(NotDecoded);
            }

            if (!claims.TryGetProperty("iat", out var iatElement) || iatElement.ValueKind != JsonValueKind.Number
                || !iatElement.TryGetInt64(out var iat) || Math.Abs(iat) > MaxUnixSeconds)
            {
                return AppJwtResult.Fail(IssuedAtInvalid);
            }

            if (!claims.TryGetProperty("exp", out var expElement) || expElement.ValueKind != JsonValueKind.Number
                || !expElement.TryGetDouble(out var exp) || exp < -MaxUnixSeconds)
            {
                return AppJwtResult.Fail(ExpirationInvalid);
            }

            var nowSeconds = now.ToUnixTimeMilliseconds() / 1000.0;
            if (exp <= nowSeconds)
            {
                return AppJwtResult.Fail(ExpirationInvalid);
            }

            if (exp - iat > MaxLifetime.TotalSeconds || exp - nowSeconds > MaxLifetime.TotalSeconds)
            {
                return AppJwtResult.Fail(ExpirationTooFar);
            }

            if (iat - nowSeconds > IssuedAtLeeway.TotalSeconds)
            {
                return AppJwtResult.Fail(IssuedAtInvalid);
            }

            return new AppJwtResult(
                new AppJwtClaims(
                    appId,
                    issuerWasString,
                    DateTimeOffset.FromUnixTimeSeconds(iat),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(exp * 1000)),
                    Encoding.UTF8.GetString(headerBytes),
                    Encoding.UTF8.GetString(payloadBytes)),
                null);
        }
        catch (JsonException)
        {
            return AppJwtResult.Fail(NotDecoded);
        }
    }

    private static bool TryDecode(string part, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(part.AsSpan()))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(part);
        return true;
    }

    /// <summary>The app id from <c>iss</c>: a JSON integer or a string of digits.</summary>
    private static bool TryIssuer(JsonElement claims, out long appId, out bool wasString)
    {
        appId = 0;
        wasString = false;
        if (!claims.TryGetProperty("iss", out var iss))
        {
            return false;
        }

        switch (iss.ValueKind)
        {
            case JsonValueKind.Number:
                return iss.TryGetInt64(out appId) && appId > 0;
            case JsonValueKind.String:
                wasString = true;
                return long.TryParse(iss.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out appId) && appId > 0;
            default:
                return false;
        }
    }

    private static bool Verify(byte[] subjectPublicKeyInfo, string header, string payload, byte[] signature)
    {
        // A fresh key object per check: RSA instances are not documented as thread-safe, and app JWTs are rare.
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        var signingInput = Encoding.ASCII.GetBytes(header + "." + payload);
        try
        {
            return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>Either the accepted claims or GitHub's 401 message.</summary>
internal readonly record struct AppJwtResult(AppJwtClaims? Claims, string? Error)
{
    public static AppJwtResult Fail(string error) => new(null, error);
}
