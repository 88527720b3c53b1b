using Azure;
using Azure.Security.KeyVault.Secrets;
using Bridge.Core.Handling;

namespace Bridge.Adapters.KeyVault;

/// <summary>
/// Production: a Key Vault secret, cached for a TTL. While Key Vault is unreachable a value read earlier keeps being
/// used (it is still the best guess); with none, the request is answered 503.
/// </summary>
public sealed class KeyVaultSecretSource(SecretClient secrets, string secretName, TimeSpan ttl, TimeProvider time) : ISecretSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _value;
    private long _readAt;

    public string Name => $"Key Vault secret '{secretName}'";

    public async ValueTask<string> GetAsync(bool refresh, CancellationToken ct)
    {
        if (!refresh && _value is { } fresh && time.GetElapsedTime(_readAt) < ttl) return fresh;
        var seen = _readAt;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller read it while we waited: use its result rather than reading again.
            if (_readAt != seen && _value is { } justRead) return justRead;
            try
            {
                var secret = await secrets.GetSecretAsync(secretName, cancellationToken: ct).ConfigureAwait(false);
                (_value, _readAt) = (secret.Value.Value, time.GetTimestamp());
                return _value;
            }
            catch (RequestFailedException ex) when (ex.Status is 401 or 403 or 404)
            {
                if (_value is { } stale && ex.Status != 404) return stale;
                throw new UpstreamException("Key Vault", FailureKind.Misconfigured,
                    ex.Status == 404 ? $"secret '{secretName}' does not exist in the vault" : $"the bridge's identity may not read secret '{secretName}' ({ex.Status})");
            }
            catch (Exception ex) when (ex is RequestFailedException or Azure.Identity.AuthenticationFailedException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (_value is { } stale) return stale;
                throw new UpstreamException("Key Vault", FailureKind.Transient, $"secret '{secretName}' could not be read and none is cached", TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
