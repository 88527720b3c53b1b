using Bridge.Core.Handling;

namespace Bridge.Adapters.KeyVault;

/// <summary>
/// What a secret's value must be before anything uses it. Secrets pasted into Key Vault or an app setting often carry a
/// trailing newline (or CR, or NUL): surrounding whitespace is trimmed; a value that is then empty or still holds a
/// control character is refused, naming the secret and never showing its value, so no HTTP header or exception message
/// downstream ever carries it.
/// </summary>
public static class SecretValue
{
    /// <summary>
    /// The value to use, or a 424 (<see cref="FailureKind.Misconfigured"/>) naming <paramref name="name"/>. Line breaks
    /// are allowed only inside a PEM block (an app's private key); a token is one line.
    /// </summary>
    public static string Usable(string name, string? value)
    {
        var trimmed = (value ?? "").Trim();
        if (trimmed.Length == 0)
            throw new UpstreamException("Secret", FailureKind.Misconfigured, $"{name} is empty; store the credential itself as its value");
        var pem = trimmed.StartsWith("-----BEGIN ", StringComparison.Ordinal);
        foreach (var c in trimmed)
        {
            if (!char.IsControl(c) || (pem && c is '\r' or '\n')) continue;
            throw new UpstreamException("Secret", FailureKind.Misconfigured,
                $"{name} holds a control character (U+{(int)c:X4}) inside its value; store the credential alone, on one line");
        }
        return trimmed;
    }
}
