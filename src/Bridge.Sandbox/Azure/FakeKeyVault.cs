using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// Azure Key Vault's secret read as the bridge makes it (<c>GET /secrets/{name}?api-version=...</c>, the current version) over HTTPS with the
/// bearer challenge: a request without a token gets 401 and <c>WWW-Authenticate: Bearer authorization="...", resource="..."</c>,
/// which is how the Azure SDK's challenge policy learns the tenant and scope before sending a token.
/// </summary>
/// <remarks>
/// HTTPS is not optional: the Azure SDK refuses to send a bearer token over plain HTTP. The certificate is generated
/// in-process; clients trust it with <see cref="LoopbackServer.CreateTrustingHandler"/>
/// (and, because the vault host is 127.0.0.1, set <c>SecretClientOptions.DisableChallengeResourceVerification</c>).
/// </remarks>
public sealed partial class FakeKeyVault : LoopbackServer
{
    public const string Resource = "https://vault.azure.net";
    private const string ServiceVersion = "1.9.2795.1";

    private readonly X509Certificate2 _certificate;
    private readonly Lazy<X509Certificate2> _untrusted;
    private volatile bool _presentUntrusted;
    private readonly ConcurrentDictionary<string, SecretVersion> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private int _secretReads;

    public FakeKeyVault(LoopbackServerOptions? options = null, string tenantId = "72f988bf-0000-4000-8000-000000000000")
        : base(options)
    {
        TenantId = tenantId;
        _certificate = SelfSignedCertificate.CreateForLoopback("CN=Bridge Sandbox Key Vault", Time);
        _untrusted = new(() => SelfSignedCertificate.CreateForLoopback("CN=Someone Else's Vault", Time));
    }

    public override X509Certificate2 Certificate => _certificate;

    protected override X509Certificate2 PresentedCertificate => _presentUntrusted ? _untrusted.Value : _certificate;

    /// <summary>
    /// Fault control: new TLS connections get a certificate no client trusts (an interception proxy, a vault URI that
    /// resolves elsewhere). Connections opened before are cut at their next request, as when the vault's address now
    /// leads somewhere else, so a client's pooled connection cannot hide the change.
    /// </summary>
    public bool PresentUntrustedCertificate
    {
        get => _presentUntrusted;
        set => _presentUntrusted = value;
    }

    /// <summary>
    /// Fault control: the resource the 401 challenge names (default <see cref="Resource"/>). Anything else is what a
    /// vault URI pointing somewhere that is not Key Vault looks like; the Azure SDK refuses to send it a token.
    /// </summary>
    public string ChallengeResource { get; set; } = Resource;

    /// <summary>Fault control: the vault stops listening (connections refused), as when it is unreachable. Final for this instance.</summary>
    public Task GoUnreachableAsync() => StopListeningAsync();

    /// <summary>Fault control: the vault accepts the request and never answers (the wait ends when the client gives up).</summary>
    public static DelayFault Hang() => Fault.Delay(TimeSpan.FromHours(1));

    /// <summary>403 as an RBAC vault answers an identity without "Key Vault Secrets User" on the secret.</summary>
    public static CannedResponseFault ForbiddenByRbac() =>
        Fault.Respond(403, "{\"error\":{\"code\":\"Forbidden\",\"message\":" + JsonSerializer.Serialize(
            "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n"
            + "Caller: appid=00000000-0000-0000-0000-000000000000;oid=00000000-0000-0000-0000-000000000001\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\n"
            + "Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/bridge/providers/microsoft.keyvault/vaults/sandbox/secrets/github-token'\r\n"
            + "Assignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: sandbox;location=westeurope\r\n")
            + ",\"innererror\":{\"code\":\"ForbiddenByRbac\"}}}");

    /// <summary>The tenant named in the challenge (<c>authorization="https://login.microsoftonline.com/{tenant}"</c>).</summary>
    public string TenantId { get; }

    /// <summary>Number of secret values handed out (200 answers): lets a test check the bridge's cache.</summary>
    public int SecretReads => Volatile.Read(ref _secretReads);

    /// <summary>503 with a Key Vault error body.</summary>
    public static CannedResponseFault ServiceUnavailable() =>
        Fault.Respond(503, ErrorBody("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."));

    /// <summary>Adds a secret, or rotates it: a new version becomes the current one.</summary>
    public void SetSecret(string name, string value)
    {
        if (!SecretNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Key Vault secret name (1-127 letters, digits and dashes).", nameof(name));
        }

        _secrets[name] = new SecretVersion(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), value, Time.GetUtcNow());
    }

    public bool DeleteSecret(string name) => _secrets.TryRemove(name, out _);

    protected override async Task HandleAsync(IncomingRequest request)
    {
        if (_presentUntrusted)
        {
            // Only a connection from before the switch gets here (a new one failed its handshake): cut it.
            request.Request.HttpContext.Abort();
            return;
        }

        var authorization = request.Header("Authorization");
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        if (token.Length == 0)
        {
            await ChallengeAsync(request.Response, "AKV10000: Request is missing a Bearer or PoP token.").ConfigureAwait(false);
            return;
        }

        AddServiceHeaders(request.Response);
        if (!request.Request.Query.ContainsKey("api-version"))
        {
            await WriteErrorAsync(request.Response, 400, "BadParameter", "The request must specify an api-version query parameter.").ConfigureAwait(false);
            return;
        }

        var segments = (request.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["secrets", var name] || !HttpMethods.IsGet(request.Request.Method))
        {
            await WriteErrorAsync(request.Response, 400, "BadParameter", $"The request URI or method is not supported by this sandbox vault: {request.Request.Method} {request.Request.Path}").ConfigureAwait(false);
            return;
        }

        if (!_secrets.TryGetValue(name, out var secret))
        {
            await WriteErrorAsync(request.Response, 404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182").ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _secretReads);
        var vaultUri = $"https://{request.Request.Host}";
        await ResponseWriter.WriteJsonAsync(request.Response, 200, (vaultUri, name, secret), static (writer, s) => s.secret.Write(writer, $"{s.vaultUri}/secrets/{s.name}/{s.secret.Version}")).ConfigureAwait(false);
    }

    protected override ValueTask DisposeCoreAsync()
    {
        _certificate.Dispose();
        if (_untrusted.IsValueCreated) _untrusted.Value.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task ChallengeAsync(HttpResponse response, string message)
    {
        response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{ChallengeResource}\"";
        AddServiceHeaders(response);
        return WriteErrorAsync(response, 401, "Unauthorized", message);
    }

    private static void AddServiceHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-ms-keyvault-service-version"] = ServiceVersion;
        response.Headers["x-ms-keyvault-region"] = "sandbox";
        response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string code, string message) =>
        ResponseWriter.WriteTextAsync(response, status, ResponseWriter.Json, ErrorBody(code, message));

    private static string ErrorBody(string code, string message) =>
        "{\"error\":" + ResponseWriter.JsonObject(("code", code), ("message", message)) + "}";

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    private sealed record SecretVersion(string Version, string Value, DateTimeOffset Created)
    {
        public void Write(Utf8JsonWriter writer, string id)
        {
            writer.WriteStartObject();
            writer.WriteString("value", Value);
            writer.WriteString("id", id);
            writer.WriteStartObject("attributes");
            writer.WriteBoolean("enabled", true);
            writer.WriteNumber("created", Created.ToUnixTimeSeconds());
            writer.WriteNumber("updated", Created.ToUnixTimeSeconds());
            writer.WriteString("recoveryLevel", "Recoverable+Purgeable");
            writer.WriteNumber("recoverableDays", 90);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // Never print the value.
        public override string ToString() => $"SecretVersion {{ Version = {Version}, Created = {Created:O} }}";
    }
}
