using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// The App Service / Functions managed identity endpoint (<c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c>):
/// <c>GET /msi/token?resource=...&amp;api-version=2019-08-01[&amp;client_id=...]</c> with header <c>X-IDENTITY-HEADER</c>.
/// Tokens are real RS256 JWTs shaped like Entra ID v1 access tokens (iss <c>https://sts.windows.net/{tenant}/</c>,
/// aud = the resource, sub/oid = the identity's object id), signed with a key made in-process, so the secretless
/// AssumeRoleWithWebIdentity flow can be exercised end to end: see <see cref="ValidateToken"/>.
/// </summary>
public sealed class FakeManagedIdentity : LoopbackServer
{
    public const string ApiVersion = "2019-08-01";

    /// <summary>Token lifetime. Managed identity tokens last about a day.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(24);

    private readonly RSA _key = RSA.Create(2048);

    public FakeManagedIdentity(
        LoopbackServerOptions? options = null,
        string tenantId = "72f988bf-0000-4000-8000-000000000000",
        string objectId = "0b1f2c3d-0000-4000-8000-00000000000a",
        string clientId = "5a6b7c8d-0000-4000-8000-00000000000c")
        : base(options)
    {
        TenantId = tenantId;
        ObjectId = objectId;
        ClientId = clientId;
        KeyId = Base64Url.EncodeToString(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()).AsSpan(0, 15));
    }

    public string TenantId { get; }

    /// <summary>The identity's object (principal) id: the token's <c>sub</c> and <c>oid</c>, what an AWS trust policy pins.</summary>
    public string ObjectId { get; }

    /// <summary>The identity's client (application) id.</summary>
    public string ClientId { get; }

    /// <summary>The <c>X-IDENTITY-HEADER</c> value callers must send (App Service's <c>IDENTITY_HEADER</c>).</summary>
    public string IdentityHeader { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The value for <c>IDENTITY_ENDPOINT</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "msi/token");

    /// <summary>The token issuer, as Entra ID v1 tokens carry it.</summary>
    public string Issuer => $"https://sts.windows.net/{TenantId}/";

    /// <summary>The <c>kid</c> of the signing key.</summary>
    public string KeyId { get; }


    /// <summary>
    /// True when <paramref name="token"/> was issued here, is signed by this fake's key, is within its lifetime (by the
    /// fake's clock) and, when given, has audience <paramref name="audience"/>. Plug it into
    /// <see cref="FakeSts.WebIdentityTokenValidator"/>.
    /// </summary>
    public bool ValidateToken(string token, string? audience = null)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
            if (!_key.VerifyData(signed, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return false;
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var claims = payload.RootElement;
            var now = Time.GetUtcNow().ToUnixTimeSeconds();
            return claims.GetProperty("iss").GetString() == Issuer
                && claims.GetProperty("nbf").GetInt64() <= now
                && now < claims.GetProperty("exp").GetInt64()
                && (audience is null || claims.GetProperty("aud").GetString() == audience);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// An error answer in the endpoint's own shape (<c>{"statusCode":..,"message":..,"correlationId":..}</c>), for
    /// example 500 while the platform's identity service is failing or 429 when it throttles.
    /// </summary>
    public static CannedResponseFault Failing(int status = 500, string message = "An unexpected error occured while fetching the AAD Token.") =>
        Fault.Respond(status, ResponseWriter.JsonObject(("statusCode", status.ToString(CultureInfo.InvariantCulture)), ("message", message), ("correlationId", Guid.NewGuid().ToString())));

    protected override Task HandleAsync(IncomingRequest request)
    {
        var query = request.Request.Query;
        if (!HttpMethods.IsGet(request.Request.Method) || request.Request.Path != "/msi/token")
        {
            return ErrorAsync(request.Response, 404, "The requested resource does not exist.");
        }

        if (request.Header("X-IDENTITY-HEADER") != IdentityHeader)
        {
            return ErrorAsync(request.Response, 401, "The X-IDENTITY-HEADER header is missing or does not match.");
        }

        var resource = query["resource"].ToString();
        if (resource.Length == 0 || query["api-version"] != ApiVersion)
        {
            return ErrorAsync(request.Response, 400, $"The request must specify 'resource' and api-version={ApiVersion}.");
        }

        var requestedClient = query["client_id"].ToString();
        if (requestedClient.Length > 0 && requestedClient != ClientId)
        {
            return ErrorAsync(request.Response, 400, "Unable to load the proper Managed Identity.");
        }

        var expires = request.Time + TokenLifetime;
        var token = CreateToken(resource, request.Time, expires);
        return ResponseWriter.WriteJsonAsync(request.Response, 200, (token, expires, resource, ClientId), static (writer, t) =>
        {
            writer.WriteStartObject();
            writer.WriteString("access_token", t.token);
            writer.WriteString("expires_on", t.expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            writer.WriteString("resource", t.resource);
            writer.WriteString("token_type", "Bearer");
            writer.WriteString("client_id", t.ClientId);
            writer.WriteEndObject();
        });
    }

    protected override ValueTask DisposeCoreAsync()
    {
        _key.Dispose();
        return ValueTask.CompletedTask;
    }

    private string CreateToken(string audience, DateTimeOffset issuedAt, DateTimeOffset expires)
    {
        var header = Json(w =>
        {
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "RS256");
            w.WriteString("kid", KeyId);
        });
        var payload = Json(w =>
        {
            w.WriteString("aud", audience);
            w.WriteString("iss", Issuer);
            w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            w.WriteNumber("nbf", issuedAt.ToUnixTimeSeconds());
            w.WriteNumber("exp", expires.ToUnixTimeSeconds());
            w.WriteString("appid", ClientId);
            w.WriteString("idtyp", "app");
            w.WriteString("oid", ObjectId);
            w.WriteString("sub", ObjectId);
            w.WriteString("tid", TenantId);
            w.WriteString("ver", "1.0");
        });

        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static byte[] Json(Action<Utf8JsonWriter> properties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    // App Service's token endpoint answers errors as {"statusCode":..,"message":..,"correlationId":..}.
    private static Task ErrorAsync(HttpResponse response, int status, string message) =>
        ResponseWriter.WriteJsonAsync(response, status, message, (writer, m) =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode", status);
            writer.WriteString("message", m);
            writer.WriteString("correlationId", Guid.NewGuid().ToString());
            writer.WriteEndObject();
        });
}
