using Azure;
using Azure.Security.KeyVault.Secrets;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;

namespace Bridge.Adapters.KeyVault;

/// <summary>
/// Production: a Key Vault secret, cached for a TTL. Whatever goes wrong reading it (unreachable, hanging, an untrusted
/// certificate, 401/403/5xx, a challenge naming another resource, an unusable value), a value read earlier keeps being
/// used: it is still the best guess. With none, the request is answered 503 with Retry-After, or 424 when the failure is
/// a misconfiguration (the identity may not read the secret, the secret does not exist or is unusable). The read is
/// bounded by the request budget, more tightly when a cached value can stand in, so the status still gets posted.
/// </summary>
public sealed class KeyVaultSecretSource(SecretClient secrets, string secretName, TimeSpan ttl, TimeProvider time, RequestBudget? budget = null) : ISecretSource
{
    private const string Upstream = "Key Vault";
    private const string Deleted = "KeyVault.SecretDeleted";
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);
    private readonly RequestBudget _budget = budget ?? RequestBudget.Default;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _value;
    private long _readAt;

    public string Name => $"Key Vault secret '{secretName}'";

    public async ValueTask<string> GetAsync(bool refresh, CancellationToken ct)
    {
        if (!refresh && _value is { } fresh && time.GetElapsedTime(_readAt) < ttl) return fresh;
        var seen = _readAt;
        // With a value to fall back on, give the vault one attempt's worth of time and leave the rest for GitHub.
        using var timeout = new CancellationTokenSource(_value is null ? _budget.Upstream : _budget.Attempt, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await _gate.WaitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return _value ?? throw TimedOut();
        }
        try
        {
            // Another caller read it while we waited: use its result rather than reading again.
            if (_readAt != seen && _value is { } justRead) return justRead;
            try
            {
                return await ReadAsync(bounded.Token).ConfigureAwait(false);
            }
            catch (UpstreamException ex) when (_value is { } stale && !ex.Data.Contains(Deleted))
            {
                return stale;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return _value ?? throw TimedOut();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The vault's answer now, no cached value in its place: what the deep health check must see.</summary>
    public async ValueTask<string> ReadThroughAsync(CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_budget.Upstream, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await ReadAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    private UpstreamException TimedOut() =>
        new(Upstream, FailureKind.Transient, $"secret '{secretName}' could not be read within the request budget and none is cached", RetryAfter);

    /// <summary>Reads, checks and caches the value; every failure becomes an <see cref="UpstreamException"/> that names the secret only.</summary>
    private async Task<string> ReadAsync(CancellationToken ct)
    {
        KeyVaultSecret secret;
        // The vault's round trip only (a cached value never reaches here); tags name neither the secret's value nor its URL.
        using var call = BridgeTelemetry.StartUpstream("keyvault", "GetSecret");
        try
        {
            secret = (await secrets.GetSecretAsync(secretName, cancellationToken: ct).ConfigureAwait(false)).Value;
            call.Succeeded();
        }
        catch (RequestFailedException ex) when (call.Answered(ex.Status))
        {
            throw; // never taken: the filter only tags the span with the vault's answer
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            throw new UpstreamException(Upstream, FailureKind.Misconfigured,
                $"the bridge's identity may not read secret '{secretName}' ({ex.Status} {ex.ErrorCode}); it needs Key Vault Secrets User on it");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted on purpose, most likely: the value read before is not used in its place.
            throw new UpstreamException(Upstream, FailureKind.Misconfigured, $"secret '{secretName}' does not exist in the vault") { Data = { [Deleted] = true } };
        }
        catch (RequestFailedException ex)
        {
            // Status 0 is no answer at all: refused, reset, TLS refused (an untrusted certificate), timed out.
            var what = ex.Status == 0 ? $"could not be reached ({Cause(ex)})" : $"answered {ex.Status} {ex.ErrorCode}";
            throw new UpstreamException(Upstream, FailureKind.Transient, $"secret '{secretName}' could not be read: the vault {what}", RetryAfter);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("challenge", StringComparison.OrdinalIgnoreCase))
        {
            // The SDK refuses to send a token to a vault whose challenge names another resource: the URI is not a Key Vault.
            throw new UpstreamException(Upstream, FailureKind.Misconfigured,
                $"secret '{secretName}' could not be read: the vault's authentication challenge names a resource that is not Key Vault; check KeyVault:VaultUri");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not UpstreamException)
        {
            // The managed identity, a timeout, anything else: its type says enough; its message is not echoed.
            throw new UpstreamException(Upstream, FailureKind.Transient, $"secret '{secretName}' could not be read ({ex.GetType().Name})", RetryAfter);
        }
        var usable = SecretValue.Usable(Name, secret.Value);
        (_value, _readAt) = (usable, time.GetTimestamp());
        return usable;
    }

    private static string Cause(Exception ex)
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException) return "its TLS certificate was not trusted";
            if (e is System.Net.Sockets.SocketException s) return $"connection: {s.SocketErrorCode}";
            if (e is TimeoutException or TaskCanceledException) return "no answer in time";
        }
        return ex.InnerException?.GetType().Name ?? "no answer";
    }
}
