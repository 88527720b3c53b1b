namespace Bridge.Core.Checks;

/// <summary>The GitHub webhook secret (Key Vault, or configuration for local runs). Throws <see cref="Handling.UpstreamException"/>.</summary>
public interface IWebhookSecret
{
    /// <summary>Null when no secret is configured: then no webhook is accepted.</summary>
    Task<string?> GetAsync(CancellationToken ct);
}
