using Azure;
using Azure.Security.KeyVault.Secrets;
using Bridge.Core.Handling;

namespace Bridge.Adapters.KeyVault;

/// <summary>Where the GitHub token comes from. The token is handed to Octokit only; it is never logged or echoed.</summary>
public interface IGitHubTokenProvider
{
    /// <param name="refresh">True after GitHub answered 401: read the secret again (it may have been rotated).</param>
    ValueTask<string> GetTokenAsync(bool refresh, CancellationToken ct);
}

/// <summary>Local runs: the token is in configuration (GitHub:Token).</summary>
public sealed class ConfiguredTokenProvider(string token) : IGitHubTokenProvider
{
    public ValueTask<string> GetTokenAsync(bool refresh, CancellationToken ct) => ValueTask.FromResult(token);
}

/// <summary>
/// Production: the token is a Key Vault secret, cached for a TTL. While Key Vault is unreachable a token read
/// earlier keeps being used (it is still the best guess); with none, the request is answered 503.
/// </summary>
public sealed class KeyVaultTokenProvider(SecretClient secrets, string secretName, TimeSpan ttl, TimeProvider time) : IGitHubTokenProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private long _readAt;

    public async ValueTask<string> GetTokenAsync(bool refresh, CancellationToken ct)
    {
        if (!refresh && _token is { } fresh && time.GetElapsedTime(_readAt) < ttl) return fresh;
        var seen = _readAt;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller refreshed while we waited: use its result rather than reading again.
            if (_readAt != seen && _token is { } justRead) return justRead;
            try
            {
                var secret = await secrets.GetSecretAsync(secretName, cancellationToken: ct).ConfigureAwait(false);
                (_token, _readAt) = (secret.Value.Value, time.GetTimestamp());
                return _token;
            }
            catch (RequestFailedException ex) when (ex.Status is 401 or 403 or 404)
            {
                if (_token is { } stale && ex.Status != 404) return stale;
                throw new UpstreamException("Key Vault", FailureKind.Misconfigured,
                    ex.Status == 404 ? $"secret '{secretName}' does not exist in the vault" : $"the bridge's identity may not read secret '{secretName}' ({ex.Status})");
            }
            catch (Exception ex) when (ex is RequestFailedException or Azure.Identity.AuthenticationFailedException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (_token is { } stale) return stale;
                throw new UpstreamException("Key Vault", FailureKind.Transient, "the GitHub token could not be read and none is cached", TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
