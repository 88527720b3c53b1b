using System.Security.Cryptography;
using System.Text;

namespace Bridge.Core.Checks;

/// <summary>GitHub's webhook signature: <c>X-Hub-Signature-256: sha256=</c> and the HMAC-SHA256 of the raw body with the webhook secret, in hex.</summary>
public static class WebhookSignature
{
    private const string Prefix = "sha256=";

    /// <summary>Compared in constant time, so the answer's timing tells nothing about how much of a forged signature was right.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64) return false;
        Span<byte> given = stackalloc byte[32];
        try
        {
            if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32) return false;
        }
        catch (FormatException)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The header GitHub sends for <paramref name="body"/> (for tests and the sandbox's deliveries).</summary>
    public static string For(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
