using Bridge.Adapters.Configuration;
using Bridge.Core.Checks;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.GitHub;

/// <summary>Re-runs from GitHub need the webhook secret and a host that writes check runs (the buttons live on them).</summary>
internal sealed class RerunOptionsValidator(IOptions<GitHubOptions> github) : IValidateOptions<RerunOptions>
{
    public ValidateOptionsResult Validate(string? name, RerunOptions options)
    {
        if (!options.AllowRerun) return ValidateOptionsResult.Success;
        GitHubOptions gh;
        try
        {
            gh = github.Value;
        }
        catch (OptionsValidationException)
        {
            // GitHub's settings are wrong; their own validation says so, once.
            return ValidateOptionsResult.Skip;
        }
        if (gh.WebhookSecret is null && gh.WebhookSecretName is null)
            return ValidateOptionsResult.Fail("Checks:AllowRerun needs the webhook secret GitHub signs its deliveries with: GitHub:WebhookSecretName (Key Vault) or GitHub:WebhookSecret.");
        if (gh.AllHosts().All(h => h.Host.Mode == PublishMode.Statuses))
            return ValidateOptionsResult.Fail("Checks:AllowRerun offers its buttons on check runs: set GitHub:Mode to Checks or Both (a GitHub App).");
        return ValidateOptionsResult.Success;
    }
}
