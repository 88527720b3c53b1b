using System.ComponentModel.DataAnnotations;

namespace Bridge.Adapters.Configuration;

/// <summary>Where statuses are posted and how the GitHub credential is found. Section <c>GitHub</c>.</summary>
public sealed class GitHubOptions
{
    public const string Section = "GitHub";

    /// <summary>REST API base: https://api.github.com, or https://{host}/api/v3 for GitHub Enterprise Server.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.github.com");

    /// <summary>
    /// The GitHub host whose commits get statuses: github.com, or the Enterprise Server host name. Unset: derived from
    /// <see cref="ApiBaseUrl"/> (api.github.com → github.com). Set it when the API is reached through another name (a proxy).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>Name of the Key Vault secret holding the token (used when <c>KeyVault:VaultUri</c> is set).</summary>
    public string TokenSecretName { get; set; } = "github-token";

    /// <summary>The token itself, for local runs only; production reads it from Key Vault.</summary>
    public string? Token { get; set; }

    /// <summary>How long a token read from Key Vault is used before it is read again.</summary>
    public TimeSpan TokenCacheTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>At most this many status writes in flight per token (GitHub's secondary limit is 100 concurrent).</summary>
    [Range(1, 100)]
    public int MaxConcurrentWrites { get; set; } = 8;

    /// <summary>At most this many status writes a minute per token (GitHub's secondary limit is about 80 content-creating requests a minute).</summary>
    [Range(1, 100_000)]
    public int MaxWritesPerMinute { get; set; } = 80;
}
