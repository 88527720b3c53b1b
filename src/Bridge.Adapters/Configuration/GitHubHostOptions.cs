using System.ComponentModel.DataAnnotations;

namespace Bridge.Adapters.Configuration;

/// <summary>
/// One GitHub host and how the bridge authenticates to it: a token (PAT), or a GitHub App (app id + private key,
/// installation per owner). Secrets come from Key Vault (<c>…SecretName</c>) or, for local runs, from configuration.
/// </summary>
public class GitHubHostOptions
{
    /// <summary>REST API base: https://api.github.com, or https://{host}/api/v3 for GitHub Enterprise Server.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.github.com");

    /// <summary>
    /// The web host whose commits get statuses: github.com, or the Enterprise Server host name. Unset: derived from
    /// <see cref="ApiBaseUrl"/> (api.github.com → github.com). Set it when the API is reached through another name (a proxy).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>PAT: name of the Key Vault secret holding the token (used when <c>KeyVault:VaultUri</c> is set).</summary>
    public string? TokenSecretName { get; set; }

    /// <summary>PAT: the token itself, for local runs only; production reads it from Key Vault.</summary>
    public string? Token { get; set; }

    /// <summary>GitHub App: the app id. Set it (with a private key) to authenticate as the app instead of with a token.</summary>
    public long? AppId { get; set; }

    /// <summary>GitHub App: name of the Key Vault secret holding the app's private key (PEM).</summary>
    public string? AppPrivateKeySecretName { get; set; }

    /// <summary>GitHub App: the private key (PEM) itself, for local runs only.</summary>
    public string? AppPrivateKey { get; set; }

    /// <summary>GitHub App: installation id per repository owner; owners not listed are looked up (GET /repos/{owner}/{repo}/installation).</summary>
    public Dictionary<string, long> InstallationIds { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Enterprise Server: the CodeConnections connection ARNs that point at this host (needed only with several Enterprise hosts).</summary>
    public List<string> ConnectionArns { get; set; } = [];

    /// <summary>
    /// What to write: <c>Statuses</c> (default), <c>Checks</c> (check runs) or <c>Both</c>. Check runs need a GitHub App:
    /// GitHub refuses them to a token.
    /// </summary>
    public Bridge.Core.Checks.PublishMode Mode { get; set; }

    public string WebHost => Host is { Length: > 0 } h ? h.ToLowerInvariant() : Bridge.Core.Revisions.RevisionResolver.WebHostFor(ApiBaseUrl);

    public bool IsApp => AppId is not null;

    /// <summary>What is wrong with this host's credential settings, or null.</summary>
    public string? CredentialProblem(string prefix, bool vaultConfigured)
    {
        if (Mode != Bridge.Core.Checks.PublishMode.Statuses && !IsApp)
            return $"{prefix}:Mode is {Mode}, but check runs can only be written by a GitHub App: set {prefix}:AppId with its private key, or {prefix}:Mode=Statuses.";
        if (IsApp)
        {
            if (Token is { Length: > 0 }) return $"{prefix}: set either a token ({prefix}:Token) or a GitHub App ({prefix}:AppId), not both.";
            if (AppPrivateKey is { Length: > 0 }) return PrivateKeyProblem($"{prefix}:AppPrivateKey", AppPrivateKey);
            if (AppPrivateKeySecretName is not { Length: > 0 })
                return $"{prefix}:AppId needs the app's private key: {prefix}:AppPrivateKeySecretName (Key Vault) or {prefix}:AppPrivateKey.";
            return vaultConfigured ? null : $"{prefix}:AppPrivateKeySecretName names a Key Vault secret but KeyVault:VaultUri is not set.";
        }
        if (Token is { Length: > 0 }) return null;
        if (vaultConfigured && TokenSecretName is { Length: > 0 }) return null;
        return $"{prefix} has no credential: set KeyVault:VaultUri with {prefix}:TokenSecretName, {prefix}:Token (local runs), or {prefix}:AppId with its private key.";
    }

    /// <summary>
    /// A key given in configuration is checked at start-up the way the app would use it (import, then sign once), so a
    /// public key or an escaped PEM stops the app with the setting named, never its value.
    /// </summary>
    internal static string? PrivateKeyProblem(string setting, string pem)
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            var hint = pem.Contains("\\n", StringComparison.Ordinal) ? ": it holds literal \\n sequences where a PEM has line breaks" : "";
            return $"{setting} is not an RSA private key in PEM form{hint}.";
        }
        try
        {
            rsa.SignData([0], System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return $"{setting} holds a public key, which cannot sign: the GitHub App needs its private key.";
        }
    }
}
