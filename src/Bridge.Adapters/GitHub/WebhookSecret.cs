using Bridge.Adapters.KeyVault;
using Bridge.Core.Checks;

namespace Bridge.Adapters.GitHub;

/// <summary>The webhook secret from its <see cref="ISecretSource"/> (Key Vault, cached like the other secrets); null when none is configured.</summary>
public sealed class WebhookSecret(ISecretSource? source) : IWebhookSecret
{
    public async Task<string?> GetAsync(CancellationToken ct) => source is null ? null : await source.GetAsync(false, ct).ConfigureAwait(false);
}
