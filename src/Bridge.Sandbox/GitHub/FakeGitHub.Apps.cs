using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// GitHub App authentication: app JWTs (RS256, checked against the registered public key), installation lookups,
/// installation access tokens (<c>ghs_…</c>, expiring by the fake's clock) and what such a token may do.
/// </summary>
/// <remarks>
/// Endpoints the bridge calls, all under <see cref="PathPrefix"/>, with an app JWT (<c>Authorization: Bearer &lt;jwt&gt;</c>):
/// <c>GET /app</c>, <c>GET /app/installations/{id}</c>, <c>POST /app/installations/{id}/access_tokens</c> and
/// <c>GET /repos/{owner}/{repo}/installation</c>. Installation tokens authorise the commit-status endpoint, for
/// repositories of the installation's account when it grants <c>statuses</c>.
/// </remarks>
public sealed partial class FakeGitHub
{
    private const string RestDocumentationUrl = "https://docs.github.com/rest";
    private const string NotAccessibleByIntegration = "Resource not accessible by integration";
    private const string AppOwnerLogin = "sandbox-org";

    /// <summary>How long an installation token lives (GitHub: one hour).</summary>
    private static readonly TimeSpan InstallationTokenLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<long, RegisteredApp> _apps = new();
    private readonly ConcurrentDictionary<long, AppInstallation> _installations = new();
    private readonly ConcurrentDictionary<string, IssuedInstallationToken> _installationTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revokedInstallationTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IssuedInstallationToken> _issuedInstallationTokens = new();
    private int _rejectedAppJwtRequests;
    private AppJwtClaims? _lastAppJwt;

    /// <summary>What <see cref="AddInstallation"/> grants when not told otherwise: <c>statuses: write</c>, <c>metadata: read</c>.</summary>
    public static IReadOnlyDictionary<string, string> DefaultInstallationPermissions { get; } =
        new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(StringComparer.Ordinal) { ["metadata"] = "read", ["statuses"] = "write" });

    /// <summary>Every installation token issued, in issue order.</summary>
    public IReadOnlyList<IssuedInstallationToken> IssuedInstallationTokens => _issuedInstallationTokens.ToArray();

    /// <summary>Requests to the app endpoints answered 401 because of their JWT (missing, malformed, badly signed, expired…).</summary>
    public int RejectedAppJwtRequests => Volatile.Read(ref _rejectedAppJwtRequests);

    /// <summary>The claims of the last accepted app JWT, or null.</summary>
    public AppJwtClaims? LastAppJwt => Volatile.Read(ref _lastAppJwt);

    /// <summary>
    /// Registers a GitHub App: JWTs whose <c>iss</c> is <paramref name="appId"/> must be signed with this key
    /// (RS256). Only the public half is kept, so the app's private key may be passed too. Registering again replaces the key.
    /// </summary>
    public void RegisterApp(long appId, RSA publicKey, string slug = "bridge-app", string name = "Bridge App")
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(appId);
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = publicKey.ExportSubjectPublicKeyInfo();
        _apps.AddOrUpdate(
            appId,
            id => new RegisteredApp(id, slug, name, key, Time.GetUtcNow()),
            (_, existing) => existing with { Slug = slug, Name = name, PublicKey = key });
    }

    /// <summary>
    /// Installs an app on an account: <c>/repos/{owner}/…/installation</c> finds it, and its tokens may act on the
    /// account's repositories ("repository_selection": "all") within <paramref name="permissions"/>.
    /// </summary>
    /// <param name="installationId">The installation id (distinct from the app id).</param>
    /// <param name="owner">The account login (organisation or user), matched case-insensitively.</param>
    /// <param name="permissions">Permission name to "read", "write" or "admin"; null for <see cref="DefaultInstallationPermissions"/>.</param>
    /// <param name="appId">The app installed; may be left out when exactly one app is registered.</param>
    /// <param name="accountType">"Organization" (the default) or "User", as the installation's account reports it.</param>
    public void AddInstallation(
        long installationId,
        string owner,
        IReadOnlyDictionary<string, string>? permissions = null,
        long? appId = null,
        string accountType = "Organization")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(installationId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (accountType is not ("Organization" or "User"))
        {
            throw new ArgumentException("The account type is \"Organization\" or \"User\".", nameof(accountType));
        }

        var granted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (permission, level) in permissions ?? DefaultInstallationPermissions)
        {
            if (PermissionLevel(level) == 0)
            {
                throw new ArgumentException($"Permission \"{permission}\" must be \"read\", \"write\" or \"admin\", not \"{level}\".", nameof(permissions));
            }

            granted[permission] = level;
        }

        var app = ResolveApp(appId);
        _installations[installationId] = new AppInstallation(
            installationId, app, owner, AccountId(owner), accountType, new ReadOnlyDictionary<string, string>(granted), Time.GetUtcNow());
    }

    /// <summary>
    /// The app is uninstalled from the account (as before a reinstall, which gets a new id): the installation is gone
    /// (404) and its tokens stop working (401 "Bad credentials").
    /// </summary>
    public void RemoveInstallation(long installationId) => _installations.TryRemove(installationId, out _);

    /// <summary>The token stops working before it expires (401 "Bad credentials"), as after <c>DELETE /installation/token</c>.</summary>
    public void RevokeInstallationToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _revokedInstallationTokens[token] = 0;
    }

    private long ResolveApp(long? appId)
    {
        if (appId is { } id)
        {
            return _apps.ContainsKey(id) ? id : throw new InvalidOperationException($"App {id} is not registered: call RegisterApp first.");
        }

        var ids = _apps.Keys.ToArray();
        return ids.Length switch
        {
            1 => ids[0],
            0 => throw new InvalidOperationException("No app is registered: call RegisterApp first."),
            _ => throw new InvalidOperationException("Several apps are registered: pass appId."),
        };
    }

    private static int PermissionLevel(string? level) => level switch
    {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => 0,
    };

    /// <summary>Whether an installation token is still good: not expired, not revoked, its installation still there.</summary>
    private bool IsLive(IssuedInstallationToken token, DateTimeOffset now) =>
        !token.IsExpiredAt(now) && !_revokedInstallationTokens.ContainsKey(token.Token) && _installations.ContainsKey(token.InstallationId);

    /// <summary>
    /// Whether the caller may use <paramref name="permission"/> at <paramref name="level"/> on the repository. PATs may
    /// (their checks are the token ones); an installation token only on its account's repositories, the ones it was
    /// restricted to, and within its permissions.
    /// </summary>
    private bool Grants(Caller caller, string owner, string repo, string permission, int level)
    {
        if (caller.InstallationToken is not { } token)
        {
            return true;
        }

        return _installations.TryGetValue(token.InstallationId, out var installation)
            && string.Equals(installation.Account, owner, StringComparison.OrdinalIgnoreCase)
            && (token.Repositories is null || token.Repositories.Contains(repo, StringComparer.OrdinalIgnoreCase))
            && PermissionLevel(token.Permissions.GetValueOrDefault(permission)) >= level;
    }

    private static Task NotAccessibleAsync(HttpResponse response, string documentationUrl) =>
        WriteErrorAsync(response, 403, NotAccessibleByIntegration, documentationUrl);

    /// <summary>Returns the app whose JWT authorised the request, or answers 401 and returns null.</summary>
    private async Task<RegisteredApp?> AuthenticateAppAsync(IncomingRequest request)
    {
        var authorization = request.Header("Authorization");
        var space = authorization?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        var result = authorization is not null && space > 0 && authorization[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            ? AppJwtValidator.Validate(authorization[(space + 1)..].Trim(), id => _apps.TryGetValue(id, out var app) ? app.PublicKey : null, request.Time)
            : AppJwtResult.Fail(AppJwtValidator.NotDecoded);
        if (result.Claims is not { } claims || !_apps.TryGetValue(claims.AppId, out var registered))
        {
            Interlocked.Increment(ref _rejectedAppJwtRequests);
            await WriteErrorAsync(request.Response, 401, result.Error ?? AppJwtValidator.NotDecoded, RestDocumentationUrl).ConfigureAwait(false);
            return null;
        }

        Volatile.Write(ref _lastAppJwt, claims);
        return registered;
    }

    private async Task GetAppAsync(IncomingRequest request)
    {
        if (await AuthenticateAppAsync(request).ConfigureAwait(false) is not { } app)
        {
            return;
        }

        // The app's permissions: what its installations were granted (an installation never gets more), at least the defaults.
        var permissions = new SortedDictionary<string, string>(DefaultInstallationPermissions.ToDictionary(), StringComparer.Ordinal);
        var installations = InstallationsOf(app.Id);
        foreach (var (permission, level) in installations.SelectMany(i => i.Permissions))
        {
            if (PermissionLevel(level) > PermissionLevel(permissions.GetValueOrDefault(permission)))
            {
                permissions[permission] = level;
            }
        }

        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 200, (app, permissions, count: installations.Length), (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", s.app.Id);
            writer.WriteString("slug", s.app.Slug);
            writer.WriteString("node_id", NodeId("Integration", s.app.Id));
            writer.WriteString("client_id", $"Iv1.{s.app.Id:x16}");
            writer.WritePropertyName("owner");
            WriteAccount(writer, AppOwnerLogin, AccountId(AppOwnerLogin), "Organization");
            writer.WriteString("name", s.app.Name);
            writer.WriteString("description", "");
            writer.WriteString("external_url", "https://github.com/" + AppOwnerLogin);
            writer.WriteString("html_url", "https://github.com/apps/" + s.app.Slug);
            writer.WriteString("created_at", Timestamp(s.app.CreatedAt));
            writer.WriteString("updated_at", Timestamp(s.app.CreatedAt));
            WritePermissions(writer, s.permissions);
            writer.WriteStartArray("events");
            writer.WriteEndArray();
            writer.WriteNumber("installations_count", s.count);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task GetInstallationAsync(IncomingRequest request, string id)
    {
        if (await AuthenticateAppAsync(request).ConfigureAwait(false) is not { } app)
        {
            return;
        }

        await WriteInstallationAsync(request, FindInstallation(app, id)).ConfigureAwait(false);
    }

    /// <summary><c>/repos/{owner}/{repo}/installation</c>: the app's installation on the repository's account.</summary>
    private async Task RepositoryInstallationAsync(IncomingRequest request, string owner, string repo)
    {
        if (await AuthenticateAppAsync(request).ConfigureAwait(false) is not { } app)
        {
            return;
        }

        var installation = !IsVisible(owner, repo)
            ? null
            : InstallationsOf(app.Id).FirstOrDefault(i => string.Equals(i.Account, owner, StringComparison.OrdinalIgnoreCase));
        await WriteInstallationAsync(request, installation).ConfigureAwait(false);
    }

    private async Task WriteInstallationAsync(IncomingRequest request, AppInstallation? installation)
    {
        if (installation is null)
        {
            await WriteErrorAsync(request.Response, 404, "Not Found", RestDocumentationUrl).ConfigureAwait(false);
            return;
        }

        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 200, installation, WriteInstallation).ConfigureAwait(false);
    }

    private async Task CreateInstallationTokenAsync(IncomingRequest request, string id)
    {
        if (await AuthenticateAppAsync(request).ConfigureAwait(false) is not { } app)
        {
            return;
        }

        if (FindInstallation(app, id) is not { } installation)
        {
            await WriteErrorAsync(request.Response, 404, "Not Found", "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app").ConfigureAwait(false);
            return;
        }

        var scope = TokenScope.Parse(request.BodyBytes.Span, installation, repo => IsVisible(installation.Account, repo));
        if (scope.Problem is { } problem)
        {
            await problem(request.Response).ConfigureAwait(false);
            return;
        }

        var now = request.Time;
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + InstallationTokenLifetime).ToUnixTimeSeconds());
        var token = new IssuedInstallationToken(
            installation.Id,
            "ghs_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36),
            now,
            expires,
            scope.Permissions,
            scope.Repositories);
        _installationTokens[token.Token] = token;
        _issuedInstallationTokens.Enqueue(token);

        _rateLimit.Consume().WriteHeaders(request.Response);
        await ResponseWriter.WriteJsonAsync(request.Response, 201, token, (writer, t) =>
        {
            writer.WriteStartObject();
            writer.WriteString("token", t.Token);
            writer.WriteString("expires_at", Timestamp(t.ExpiresAt));
            WritePermissions(writer, t.Permissions);
            writer.WriteString("repository_selection", t.Repositories is null ? "all" : "selected");
            if (t.Repositories is { } names)
            {
                writer.WriteStartArray("repositories");
                foreach (var name in names)
                {
                    WriteRepository(writer, installation, name);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private AppInstallation[] InstallationsOf(long appId) =>
        _installations.Values.Where(i => i.AppId == appId).OrderBy(i => i.Id).ToArray();

    private AppInstallation? FindInstallation(RegisteredApp app, string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var installationId)
        && _installations.TryGetValue(installationId, out var installation)
        && installation.AppId == app.Id
            ? installation
            : null;

    private void WriteInstallation(Utf8JsonWriter writer, AppInstallation installation)
    {
        var app = _apps.GetValueOrDefault(installation.AppId);
        var settings = installation.AccountType == "Organization"
            ? $"https://github.com/organizations/{installation.Account}/settings/installations/{installation.Id}"
            : $"https://github.com/settings/installations/{installation.Id}";
        writer.WriteStartObject();
        writer.WriteNumber("id", installation.Id);
        writer.WriteString("client_id", $"Iv1.{installation.AppId:x16}");
        writer.WritePropertyName("account");
        WriteAccount(writer, installation.Account, installation.AccountId, installation.AccountType);
        writer.WriteString("repository_selection", "all");
        writer.WriteString("access_tokens_url", $"{ApiRoot}/app/installations/{installation.Id}/access_tokens");
        writer.WriteString("repositories_url", $"{ApiRoot}/installation/repositories");
        writer.WriteString("html_url", settings);
        writer.WriteNumber("app_id", installation.AppId);
        writer.WriteString("app_slug", app?.Slug ?? "");
        writer.WriteNumber("target_id", installation.AccountId);
        writer.WriteString("target_type", installation.AccountType);
        WritePermissions(writer, installation.Permissions);
        writer.WriteStartArray("events");
        writer.WriteEndArray();
        writer.WriteString("created_at", Timestamp(installation.CreatedAt));
        writer.WriteString("updated_at", Timestamp(installation.CreatedAt));
        writer.WriteNull("single_file_name");
        writer.WriteBoolean("has_multiple_single_files", false);
        writer.WriteStartArray("single_file_paths");
        writer.WriteEndArray();
        writer.WriteNull("suspended_by");
        writer.WriteNull("suspended_at");
        writer.WriteEndObject();
    }

    private void WriteRepository(Utf8JsonWriter writer, AppInstallation installation, string name)
    {
        var fullName = $"{installation.Account}/{name}";
        var id = AccountId(fullName);
        writer.WriteStartObject();
        writer.WriteNumber("id", id);
        writer.WriteString("node_id", NodeId("Repository", id));
        writer.WriteString("name", name);
        writer.WriteString("full_name", fullName);
        writer.WriteBoolean("private", true);
        writer.WritePropertyName("owner");
        WriteAccount(writer, installation.Account, installation.AccountId, installation.AccountType);
        writer.WriteString("html_url", "https://github.com/" + fullName);
        writer.WriteString("url", $"{ApiRoot}/repos/{fullName}");
        writer.WriteEndObject();
    }

    private static void WritePermissions(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, string>> permissions)
    {
        writer.WriteStartObject("permissions");
        foreach (var (permission, level) in permissions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(permission, level);
        }

        writer.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>GitHub's legacy global node id, for example <c>MDQ6VXNlcjE=</c> ("04:User1").</summary>
    private static string NodeId(string type, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"0{type.Length.ToString(CultureInfo.InvariantCulture)}:{type}{id.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>A stable, positive id for an account or repository name (case-insensitive).</summary>
    private static long AccountId(string name) =>
        100_000 + (BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name.ToUpperInvariant()))) & 0x3FFF_FFFF);

    private sealed record RegisteredApp(long Id, string Slug, string Name, byte[] PublicKey, DateTimeOffset CreatedAt);

    private sealed record AppInstallation(
        long Id,
        long AppId,
        string Account,
        long AccountId,
        string AccountType,
        IReadOnlyDictionary<string, string> Permissions,
        DateTimeOffset CreatedAt);

    /// <summary>Who a token-authenticated request acts as: a PAT (no installation token) or an installation.</summary>
    private readonly record struct Caller(string Token, IssuedInstallationToken? InstallationToken);

    /// <summary>The optional body of a token request (<c>repositories</c>, <c>permissions</c>), validated as GitHub does.</summary>
    private readonly record struct TokenScope(
        IReadOnlyDictionary<string, string> Permissions,
        IReadOnlyList<string>? Repositories,
        Func<HttpResponse, Task>? Problem)
    {
        private const string Documentation = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app";

        public static TokenScope Parse(ReadOnlySpan<byte> body, AppInstallation installation, Func<string, bool> repositoryExists)
        {
            var all = new TokenScope(installation.Permissions, null, null);
            if (body.Trim(" \t\r\n"u8).IsEmpty)
            {
                return all;
            }

            try
            {
                var reader = new Utf8JsonReader(body);
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Null)
                {
                    return all;
                }

                if (root.ValueKind != JsonValueKind.Object)
                {
                    return Fail(400, "Problems parsing JSON");
                }

                if (root.TryGetProperty("repository_ids", out var ids) && ids.ValueKind != JsonValueKind.Null)
                {
                    return Fail(422, "Invalid request.\n\nThe fake does not know repository ids: restrict the token with \"repositories\" (names).");
                }

                List<string>? repositories = null;
                if (root.TryGetProperty("repositories", out var names) && names.ValueKind != JsonValueKind.Null)
                {
                    if (names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
                    {
                        return Fail(422, "Invalid request.\n\nFor 'properties/repositories', the value must be an array of strings.");
                    }

                    repositories = [.. names.EnumerateArray().Select(n => n.GetString()!).Distinct(StringComparer.OrdinalIgnoreCase)];
                    if (repositories.Any(name => name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || !repositoryExists(name)))
                    {
                        return Fail(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
                    }
                }

                var permissions = installation.Permissions;
                if (root.TryGetProperty("permissions", out var requested) && requested.ValueKind != JsonValueKind.Null)
                {
                    if (requested.ValueKind != JsonValueKind.Object)
                    {
                        return Fail(422, "Invalid request.\n\nFor 'properties/permissions', the value must be an object.");
                    }

                    var subset = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    foreach (var property in requested.EnumerateObject())
                    {
                        var level = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        if (PermissionLevel(level) == 0)
                        {
                            return Fail(422, $"Invalid request.\n\nFor 'properties/permissions/{property.Name}', the value must be \"read\", \"write\" or \"admin\".");
                        }

                        if (PermissionLevel(level) > PermissionLevel(installation.Permissions.GetValueOrDefault(property.Name)))
                        {
                            return Fail(422, "The permissions requested are not granted to this installation.");
                        }

                        subset[property.Name] = level!;
                    }

                    permissions = new ReadOnlyDictionary<string, string>(subset);
                }

                return new TokenScope(permissions, repositories, null);
            }
            catch (JsonException)
            {
                return Fail(400, "Problems parsing JSON");
            }
        }

        private static TokenScope Fail(int status, string message) =>
            new(ReadOnlyDictionary<string, string>.Empty, null, r => WriteErrorAsync(r, status, message, Documentation));
    }
}
