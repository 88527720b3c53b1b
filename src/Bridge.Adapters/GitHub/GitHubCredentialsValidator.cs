using Bridge.Adapters.Configuration;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.GitHub;

/// <summary>Every GitHub host needs exactly one complete credential and an https API; secrets named in Key Vault need a vault.</summary>
internal sealed class GitHubCredentialsValidator(IOptions<KeyVaultOptions> keyVault) : IValidateOptions<GitHubOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        KeyVaultOptions vault;
        try
        {
            vault = keyVault.Value;
        }
        catch (OptionsValidationException)
        {
            // The vault's settings are wrong; their own validation says so, once.
            return ValidateOptionsResult.Skip;
        }
        return Problems(options, vault) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    /// <summary>The first thing wrong with the GitHub hosts' settings, or null.</summary>
    internal static string? Problems(GitHubOptions gh, KeyVaultOptions kv)
    {
        foreach (var (prefix, host) in gh.AllHosts())
        {
            if (host.CredentialProblem(prefix, kv.VaultUri is not null) is { } problem) return problem;
            if (host.ApiBaseUrl.Scheme != Uri.UriSchemeHttps && !host.ApiBaseUrl.IsLoopback)
                return $"{prefix}:ApiBaseUrl must be an https URL.";
        }
        if (gh.WebhookSecretName is { Length: > 0 } && gh.WebhookSecret is null && kv.VaultUri is null)
            return "GitHub:WebhookSecretName names a Key Vault secret but KeyVault:VaultUri is not set.";
        var duplicate = gh.AllHosts().GroupBy(h => h.Host.WebHost).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"GitHub host {duplicate.Key} is configured twice (GitHub and GitHub:Enterprise).";
    }
}
