using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Configuration;

/// <summary>Where statuses are posted and how the GitHub credentials are found. Section <c>GitHub</c>: github.com (or one Enterprise host), plus <see cref="Enterprise"/> hosts side by side.</summary>
public sealed class GitHubOptions : GitHubHostOptions
{
    public const string Section = "GitHub";

    /// <summary>github.com's token secret has a default name; Enterprise hosts name theirs.</summary>
    public GitHubOptions() => TokenSecretName = "github-token";

    /// <summary>More GitHub Enterprise Server hosts, each with its own credential (<c>GitHub:Enterprise:0:Host</c>, …).</summary>
    [ValidateEnumeratedItems]
    public List<GitHubHostOptions> Enterprise { get; set; } = [];

    /// <summary>How long a secret read from Key Vault is used before it is read again (and at once after a 401).</summary>
    public TimeSpan TokenCacheTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>At most this many status writes in flight per token (GitHub's secondary limit is 100 concurrent).</summary>
    [Range(1, 100)]
    public int MaxConcurrentWrites { get; set; } = 8;

    /// <summary>At most this many status writes a minute per token (GitHub's secondary limit is about 80 content-creating requests a minute).</summary>
    [Range(1, 100_000)]
    public int MaxWritesPerMinute { get; set; } = 80;

    /// <summary>
    /// At most this many status writes an hour per token (GitHub's secondary limit is 500 content-creating requests an
    /// hour), independent of the minute's: whichever runs out first binds.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxWritesPerHour { get; set; } = 500;

    /// <summary>Key Vault secret holding the webhook secret GitHub signs <c>check_run</c> deliveries with (checks mode's buttons).</summary>
    public string? WebhookSecretName { get; set; }

    /// <summary>The webhook secret itself, for local runs only (wins over <see cref="WebhookSecretName"/>).</summary>
    public string? WebhookSecret { get; set; }

    public IEnumerable<(string Prefix, GitHubHostOptions Host)> AllHosts() =>
        new[] { ("GitHub", (GitHubHostOptions)this) }.Concat(Enterprise.Select((h, i) => ($"GitHub:Enterprise:{i}", h)));
}
