using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Bridge.Sandbox;

/// <summary>
/// AWS STS over the AWS Query protocol: <c>POST /</c> with a form body (<c>Action=AssumeRole&amp;Version=2011-06-15&amp;...</c>),
/// XML answers in the <c>https://sts.amazonaws.com/doc/2011-06-15/</c> namespace, <c>Content-Type: text/xml</c>.
/// Parameters are also read from the query string (the protocol allows GET), so both forms work.
/// </summary>
/// <remarks>
/// Every successful call issues fresh, distinct credentials (<c>ASIAFAKE000000000001</c>, ...): a test can tell
/// which call's credentials signed a later CodePipeline request (<see cref="FakeCodePipeline.Signers"/>), and
/// <see cref="LookupIssued"/> tells it the secret half of what was issued.
/// </remarks>
public sealed partial class FakeSts : LoopbackServer
{
    public const string XmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    public const string AssumeRoleAction = "AssumeRole";
    public const string AssumeRoleWithWebIdentityAction = "AssumeRoleWithWebIdentity";
    private const string XmlContentType = "text/xml";

    /// <summary>Lifetime of issued credentials when the call has no <c>DurationSeconds</c> (AWS's default).</summary>
    private static readonly TimeSpan CredentialLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, string?> _allowedRoles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedCredentials> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StsCall> _calls = new();
    private long _sequence;
    private long _keyCounter;

    public FakeSts(LoopbackServerOptions? options = null, string accountId = "123456789012")
        : base(options)
    {
        AccountId = accountId;
    }

    /// <summary>Account of the caller in AccessDenied messages for keys this fake did not issue.</summary>
    public string AccountId { get; }


    /// <summary>Optional check of the web identity token; false answers 400 <c>InvalidIdentityToken</c>. Default: any non-empty token.</summary>
    public Func<string, bool>? WebIdentityTokenValidator { get; set; }

    /// <summary>Every AssumeRole / AssumeRoleWithWebIdentity call, in arrival order.</summary>
    public IReadOnlyList<StsCall> Calls => [.. _calls.OrderBy(c => c.Sequence)];

    /// <summary>400 <c>Throttling</c> "Rate exceeded".</summary>
    public static CannedResponseFault Throttling() => Error(400, "Throttling", "Rate exceeded");

    /// <summary>
    /// 400 <c>IDPCommunicationError</c>: STS could not reach the identity provider to check a web identity token.
    /// AWS documents it as transient ("retry the request").
    /// </summary>
    public static CannedResponseFault IdpCommunicationError() => Error(400, "IDPCommunicationError", "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times.");

    /// <summary>400 <c>ExpiredTokenException</c>: the web identity token has expired (get a fresh one and retry).</summary>
    public static CannedResponseFault ExpiredToken() => Error(400, "ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time.");

    /// <summary>403 <c>RegionDisabledException</c>: STS is not activated in the region of the endpoint.</summary>
    public static CannedResponseFault RegionDisabled() => Error(403, "RegionDisabledException", "STS is not activated in this region for account. Your account administrator can activate STS in this region using the IAM Console.");

    /// <summary>403 <c>IDPRejectedClaim</c>: the identity provider rejected the claim (trust policy or token claims).</summary>
    public static CannedResponseFault IdpRejectedClaim() => Error(403, "IDPRejectedClaim", "Token claims were rejected by the identity provider.");

    /// <summary>200 with <paramref name="body"/> as it stands: broken XML, an empty body, an HTML page from a proxy.</summary>
    public static CannedResponseFault Answer200(string body, string contentType = XmlContentType) => Fault.Respond(200, body, contentType);

    /// <summary>
    /// When set, issued credentials expire this long after the call whatever <c>DurationSeconds</c> asked for: models
    /// credentials that arrive with little time left (a clock ahead of the bridge's, a short role session).
    /// </summary>
    public TimeSpan? IssuedLifetime { get; set; }

    /// <summary>503 <c>ServiceUnavailable</c>.</summary>
    public static CannedResponseFault ServiceUnavailable() => Error(503, "ServiceUnavailable", "Service is unavailable. Please try again later.");

    /// <summary>
    /// Restricts the roles that can be assumed (none registered: any role). With <paramref name="requiredExternalId"/>,
    /// AssumeRole must send that ExternalId, as a trust policy condition on <c>sts:ExternalId</c> demands.
    /// </summary>
    public void AllowRole(string roleArn, string? requiredExternalId = null) => _allowedRoles[roleArn] = requiredExternalId;

    /// <summary>The secret and session token of credentials this fake issued, for signature verification elsewhere.</summary>
    public AwsSecret? LookupIssued(string accessKeyId) => _issued.TryGetValue(accessKeyId, out var issued) ? issued.Secret : null;

    protected override Task HandleAsync(IncomingRequest request)
    {
        var parameters = ReadParameters(request);
        var action = Optional(parameters, "Action");
        // The Query protocol routes on Action and Version together: another (or no) Version is an unknown operation.
        if (!string.IsNullOrEmpty(action) && Optional(parameters, "Version") is var version && version != "2011-06-15")
        {
            return WriteErrorAsync(request.Response, 400, "InvalidAction", $"Could not find operation {action} for version {version ?? "NO_VERSION_SPECIFIED"}");
        }

        return action switch
        {
            null or "" => WriteErrorAsync(request.Response, 400, "MissingAction", "Missing Action"),
            AssumeRoleAction => AssumeRoleAsync(request, AssumeRoleAction, parameters),
            AssumeRoleWithWebIdentityAction => AssumeRoleAsync(request, AssumeRoleWithWebIdentityAction, parameters),
            var other => WriteErrorAsync(request.Response, 400, "InvalidAction", $"Could not find operation {other} for version 2011-06-15"),
        };
    }

    private async Task AssumeRoleAsync(IncomingRequest request, string action, Dictionary<string, StringValues> parameters)
    {
        var webIdentity = action == AssumeRoleWithWebIdentityAction;
        var call = new StsCall(
            action,
            Optional(parameters, "RoleArn"),
            Optional(parameters, "RoleSessionName"),
            Optional(parameters, "ExternalId"),
            Optional(parameters, "WebIdentityToken"),
            CallerAccessKeyId: null,
            IssuedAccessKeyId: null,
            ErrorCode: null,
            Interlocked.Increment(ref _sequence));

        // AssumeRoleWithWebIdentity is the one anonymous call: the token is the credential.
        if (!webIdentity)
        {
            var auth = SigV4.Check(request, "sts");
            if (auth.Failure != SigV4Failure.None)
            {
                var (status, code) = auth.Failure switch
                {
                    SigV4Failure.Missing => (403, "MissingAuthenticationToken"),
                    SigV4Failure.Incomplete => (400, "IncompleteSignature"),
                    _ => (403, "SignatureDoesNotMatch"),
                };
                await RejectAsync(request, call, status, code, auth.Message).ConfigureAwait(false);
                return;
            }

            call = call with { CallerAccessKeyId = auth.Credential!.AccessKeyId };
        }

        if (Validate(call, parameters) is { } invalid)
        {
            await RejectAsync(request, call, 400, "ValidationError", invalid).ConfigureAwait(false);
            return;
        }

        if (!_allowedRoles.IsEmpty
            && (!_allowedRoles.TryGetValue(call.RoleArn!, out var requiredExternalId)
                || (!webIdentity && requiredExternalId is not null && requiredExternalId != call.ExternalId)))
        {
            var message = webIdentity
                ? "Not authorized to perform sts:AssumeRoleWithWebIdentity"
                : $"User: {CallerArn(call.CallerAccessKeyId!)} is not authorized to perform: sts:AssumeRole on resource: {call.RoleArn}";
            await RejectAsync(request, call, 403, "AccessDenied", message).ConfigureAwait(false);
            return;
        }

        if (webIdentity && WebIdentityTokenValidator is { } validate && !validate(call.WebIdentityToken!))
        {
            await RejectAsync(request, call, 400, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.").ConfigureAwait(false);
            return;
        }

        var duration = IssuedLifetime
            ?? (parameters.TryGetValue("DurationSeconds", out var seconds) ? TimeSpan.FromSeconds(int.Parse(seconds.ToString(), CultureInfo.InvariantCulture)) : CredentialLifetime);
        var issued = Issue(call.RoleArn!, call.RoleSessionName!, request.Time + duration);
        _calls.Enqueue(call with { IssuedAccessKeyId = issued.AccessKeyId });

        var result = new StringBuilder();
        if (webIdentity)
        {
            var claims = TokenClaims.Read(call.WebIdentityToken!);
            Element(result, "SubjectFromWebIdentityToken", claims.Subject);
            Element(result, "Audience", claims.Audience);
            AppendCredentials(result, issued);
            Element(result, "Provider", claims.Provider);
        }
        else
        {
            AppendCredentials(result, issued);
        }

        await WriteResultAsync(request.Response, action, result).ConfigureAwait(false);
    }

    private static string? Validate(StsCall call, Dictionary<string, StringValues> parameters)
    {
        var errors = new List<string>();
        if (call.RoleArn is null)
        {
            errors.Add("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
        }
        else if (!RoleArnPattern().IsMatch(call.RoleArn))
        {
            return $"{call.RoleArn} is invalid";
        }

        if (call.RoleSessionName is null)
        {
            errors.Add("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
        }
        else if (!SessionNamePattern().IsMatch(call.RoleSessionName))
        {
            errors.Add($"Value '{call.RoleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
        }

        if (call.Action == AssumeRoleWithWebIdentityAction && string.IsNullOrEmpty(call.WebIdentityToken))
        {
            errors.Add("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
        }

        if (parameters.TryGetValue("DurationSeconds", out var raw)
            && (!int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 900 or > 43200))
        {
            errors.Add($"Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
        }

        return errors.Count == 0 ? null : $"{errors.Count} validation error{(errors.Count > 1 ? "s" : "")} detected: {string.Join("; ", errors)}";
    }

    private IssuedCredentials Issue(string roleArn, string sessionName, DateTimeOffset expiration)
    {
        var number = Interlocked.Increment(ref _keyCounter);
        var arnParts = roleArn.Split(':');
        var roleName = arnParts[5][(arnParts[5].LastIndexOf('/') + 1)..];
        var roleId = "AROA" + Base32(SHA256.HashData(Encoding.UTF8.GetBytes(roleArn)), 17);
        var issued = new IssuedCredentials(
            AccessKeyId: $"ASIAFAKE{number:D12}",
            Secret: new AwsSecret(
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
                "FwoGZXIvYXdzE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(150))),
            Expiration: expiration,
            AssumedRoleArn: $"arn:aws:sts::{arnParts[4]}:assumed-role/{roleName}/{sessionName}",
            AssumedRoleId: $"{roleId}:{sessionName}");
        _issued[issued.AccessKeyId] = issued;
        return issued;
    }

    private string CallerArn(string accessKeyId) =>
        _issued.TryGetValue(accessKeyId, out var issued) ? issued.AssumedRoleArn : $"arn:aws:iam::{AccountId}:user/sandbox";

    private async Task RejectAsync(IncomingRequest request, StsCall call, int status, string code, string message)
    {
        _calls.Enqueue(call with { ErrorCode = code });
        await WriteErrorAsync(request.Response, status, code, message).ConfigureAwait(false);
    }

    private static Dictionary<string, StringValues> ReadParameters(IncomingRequest request)
    {
        var parameters = QueryHelpers.ParseQuery(request.Request.QueryString.Value);
        if ((request.Request.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (name, value) in QueryHelpers.ParseQuery(request.Body))
            {
                parameters[name] = value;
            }
        }

        return parameters;
    }

    private static string? Optional(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var value) ? value.ToString() : null;

    private static void AppendCredentials(StringBuilder result, IssuedCredentials issued)
    {
        result.Append("    <AssumedRoleUser>\n");
        Element(result, "Arn", issued.AssumedRoleArn, 6);
        Element(result, "AssumedRoleId", issued.AssumedRoleId, 6);
        result.Append("    </AssumedRoleUser>\n    <Credentials>\n");
        Element(result, "AccessKeyId", issued.AccessKeyId, 6);
        Element(result, "SecretAccessKey", issued.Secret.SecretAccessKey, 6);
        Element(result, "SessionToken", issued.Secret.SessionToken!, 6);
        Element(result, "Expiration", issued.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), 6);
        result.Append("    </Credentials>\n");
    }

    private static void Element(StringBuilder builder, string name, string value, int indent = 4) =>
        builder.Append(' ', indent).Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append(">\n");

    private static Task WriteResultAsync(HttpResponse response, string action, StringBuilder result)
    {
        var requestId = Guid.NewGuid().ToString();
        response.Headers["x-amzn-RequestId"] = requestId;
        var xml = $"<{action}Response xmlns=\"{XmlNamespace}\">\n  <{action}Result>\n{result}  </{action}Result>\n"
            + $"  <ResponseMetadata>\n    <RequestId>{requestId}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n";
        return ResponseWriter.WriteTextAsync(response, 200, XmlContentType, xml);
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string code, string message)
    {
        var requestId = Guid.NewGuid().ToString();
        response.Headers["x-amzn-RequestId"] = requestId;
        return ResponseWriter.WriteTextAsync(response, status, XmlContentType, ErrorXml(status, code, message, requestId));
    }

    private static CannedResponseFault Error(int status, string code, string message) =>
        Fault.Respond(status, ErrorXml(status, code, message, Guid.NewGuid().ToString()), XmlContentType);

    private static string ErrorXml(int status, string code, string message, string requestId) =>
        $"<ErrorResponse xmlns=\"{XmlNamespace}\">\n  <Error>\n    <Type>{(status >= 500 ? "Receiver" : "Sender")}</Type>\n"
        + $"    <Code>{code}</Code>\n    <Message>{SecurityElement.Escape(message)}</Message>\n  </Error>\n"
        + $"  <RequestId>{requestId}</RequestId>\n</ErrorResponse>\n";

    private static string Base32(byte[] bytes, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[bytes[i] % 32];
        }

        return new string(chars);
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    private sealed record IssuedCredentials(string AccessKeyId, AwsSecret Secret, DateTimeOffset Expiration, string AssumedRoleArn, string AssumedRoleId);

    /// <summary>The claims STS echoes back (sub, aud, iss). A token that is not a JWT gets placeholders: the fake does not insist.</summary>
    private readonly record struct TokenClaims(string Subject, string Audience, string Provider)
    {
        public static TokenClaims Read(string token)
        {
            var fallback = new TokenClaims("sandbox-subject", "sts.amazonaws.com", "sandbox.invalid");
            var parts = token.Split('.');
            if (parts.Length != 3)
            {
                return fallback;
            }

            try
            {
                using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
                var root = payload.RootElement;
                var audience = root.TryGetProperty("aud", out var aud)
                    ? aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().FirstOrDefault().GetString() : aud.GetString()
                    : null;
                var issuer = root.TryGetProperty("iss", out var iss) ? iss.GetString() : null;
                return new TokenClaims(
                    root.TryGetProperty("sub", out var sub) ? sub.GetString() ?? fallback.Subject : fallback.Subject,
                    audience ?? fallback.Audience,
                    issuer is null ? fallback.Provider : issuer.Replace("https://", "", StringComparison.Ordinal));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
                return fallback;
            }
        }
    }
}
