using System.Collections.Concurrent;
using System.Security.Cryptography;
using Bridge.Adapters.KeyVault;
using Bridge.Core.Handling;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Octokit;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Authenticates as a GitHub App: an RS256 JWT signed with the app's private key (valid 9 minutes, issued a minute in
/// the past for clock skew) is exchanged for an installation token, cached per installation until five minutes before
/// it expires. The installation of a repository owner comes from configuration or is looked up once.
/// </summary>
public sealed class GitHubAppTokenProvider(
    long appId,
    ISecretSource privateKey,
    IReadOnlyDictionary<string, long> installationIds,
    Uri apiBaseUrl,
    Func<HttpMessageHandler> handlerFactory,
    TimeProvider time) : IGitHubTokenProvider
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, long> _installations = new(installationIds, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, AccessToken> _tokens = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<string> GetTokenAsync(string owner, string repository, bool refresh, CancellationToken ct)
    {
        var installation = await InstallationAsync(owner, repository, ct).ConfigureAwait(false);
        if (!refresh && Fresh(installation) is { } cached) return cached;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!refresh && Fresh(installation) is { } justMade) return justMade;
            AccessToken token;
            try
            {
                token = await Call("create an installation token", refresh, app => app.GitHubApps.CreateInstallationToken(installation), ct).ConfigureAwait(false);
            }
            catch (UpstreamException ex) when (ex.InnerException is ApiException { StatusCode: System.Net.HttpStatusCode.NotFound } && !installationIds.ContainsKey(owner))
            {
                // A looked-up installation is gone (the app was reinstalled: a new id): look it up again, once.
                _installations.TryRemove(new KeyValuePair<string, long>(owner, installation));
                _tokens.TryRemove(installation, out _);
                installation = await InstallationAsync(owner, repository, ct).ConfigureAwait(false);
                token = await Call("create an installation token", false, app => app.GitHubApps.CreateInstallationToken(installation), ct).ConfigureAwait(false);
            }
            _tokens[installation] = token;
            return token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Proves the app's credentials end to end (for the deep health check): the app JWT is accepted; the app's slug or name.</summary>
    public async Task<string> GetAppNameAsync(CancellationToken ct)
    {
        var app = await Call("read the app", false, c => GitHubClientFactory.GetAsync<AppWire>(c, "app", ct), ct).ConfigureAwait(false);
        return app.Slug ?? app.Name ?? "(unnamed)";
    }

    /// <summary>The permissions GitHub granted the installation of <paramref name="owner"/> (for the deep health check): name to read, write or admin.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetPermissionsAsync(string owner, string repository, CancellationToken ct)
    {
        var installation = await InstallationAsync(owner, repository, ct).ConfigureAwait(false);
        var read = await Call("read the installation", false, c => GitHubClientFactory.GetAsync<InstallationWire>(c, $"app/installations/{installation}", ct), ct).ConfigureAwait(false);
        return read.Permissions ?? [];
    }

    private string? Fresh(long installation) =>
        _tokens.TryGetValue(installation, out var t) && t.ExpiresAt - time.GetUtcNow() > RenewBefore ? t.Token : null;

    private async ValueTask<long> InstallationAsync(string owner, string repository, CancellationToken ct)
    {
        if (_installations.TryGetValue(owner, out var id)) return id;
        var installation = await Call($"find its installation for {owner}", false,
            app => GitHubClientFactory.GetAsync<InstallationWire>(app, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repository)}/installation", ct), ct).ConfigureAwait(false);
        return _installations.GetOrAdd(owner, installation.Id);
    }

    private async Task<T> Call<T>(string what, bool refreshKey, Func<IGitHubClient, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var jwt = await AppJwtAsync(refreshKey || attempt > 0, ct).ConfigureAwait(false);
            var client = GitHubClientFactory.Create(apiBaseUrl, jwt, handlerFactory);
            try
            {
                return await call(client).WaitAsync(ct).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Unauthorized && attempt == 0 && !refreshKey)
            {
                // GitHub refused the JWT: the key may have been rotated in Key Vault. Read it again once, now, not after the cache TTL.
            }
            catch (ApiException ex)
            {
                var status = (int)ex.StatusCode;
                var message = ex.ApiError?.Message ?? ex.Message;
                throw new UpstreamException("GitHub App", status >= 500 || status == 429 ? FailureKind.Transient : FailureKind.Misconfigured, status switch
                {
                    401 => $"GitHub refused the app's JWT trying to {what} (check the app id and its private key, {privateKey.Name}): {message}",
                    404 => $"the GitHub App {appId} could not {what}: not installed there, or no access ({message})",
                    _ => $"the GitHub App {appId} could not {what}: {status} {message}",
                }, inner: ex);
            }
            catch (GitHubRedirectException ex)
            {
                throw new UpstreamException("GitHub App", FailureKind.Misconfigured, ex.Message, inner: ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException && !ct.IsCancellationRequested)
            {
                throw new UpstreamException("GitHub App", FailureKind.Transient, $"GitHub could not be reached to {what}", inner: ex);
            }
        }
    }

    /// <summary>RS256, iss = app id, iat a minute in the past (clock skew), exp nine minutes ahead (GitHub allows ten).</summary>
    private async ValueTask<string> AppJwtAsync(bool refreshKey, CancellationToken ct)
    {
        var pem = await privateKey.GetAsync(refreshKey, ct).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = appId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IssuedAt = now.AddSeconds(-60),
            Expires = now.AddMinutes(9),
            SigningCredentials = new SigningCredentials(SigningKey(pem), SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The key parsed once per PEM value (IdentityModel caches signers per key, so a key must outlive its use).</summary>
    private SecurityKey SigningKey(string pem)
    {
        if (Volatile.Read(ref _signingKey) is { } current && current.Pem == pem) return current.Key;
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            // Never the value: only what it looks like.
            var hint = pem.Contains("\\n", StringComparison.Ordinal)
                ? ": it holds literal \\n sequences where a PEM has line breaks (store the key file itself, for example with az keyvault secret set --file key.pem)"
                : "";
            throw new UpstreamException("GitHub App", FailureKind.Misconfigured, $"{privateKey.Name} is not an RSA private key in PEM form{hint}");
        }
        try
        {
            // A public key imports fine but cannot sign: find out here, not as a 500 on every event.
            rsa.SignData([0], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new UpstreamException("GitHub App", FailureKind.Misconfigured,
                $"{privateKey.Name} holds a public key, which cannot sign: the GitHub App needs its private key (the .pem downloaded from the app's settings)");
        }
        var parsed = new ParsedKey(pem, new RsaSecurityKey(rsa));
        Volatile.Write(ref _signingKey, parsed);
        return parsed.Key;
    }

    /// <summary>A class, not a record: a record's ToString would print the PEM.</summary>
    private sealed class ParsedKey(string pem, RsaSecurityKey key)
    {
        public string Pem => pem;
        public RsaSecurityKey Key => key;
    }
    private ParsedKey? _signingKey;
}
