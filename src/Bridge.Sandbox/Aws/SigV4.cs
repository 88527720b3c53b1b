using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Sandbox;

/// <summary>The secret half of an AWS access key, for fakes that verify signatures.</summary>
/// <param name="SecretAccessKey">The secret access key.</param>
/// <param name="SessionToken">For temporary credentials: the session token the caller must send as <c>X-Amz-Security-Token</c>.</param>
public sealed record AwsSecret(string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => "AwsSecret { *** }";
}

/// <summary>What a request's SigV4 <c>Authorization</c> header says about its signer.</summary>
/// <param name="AccessKeyId">The access key id from the credential scope.</param>
/// <param name="Date">The scope date (yyyyMMdd).</param>
/// <param name="Region">The scope region: the region the client thinks it is talking to.</param>
/// <param name="Service">The scope service (for example <c>codepipeline</c> or <c>sts</c>).</param>
/// <param name="SecurityToken">The <c>X-Amz-Security-Token</c> header: present when the caller uses temporary (STS) credentials.</param>
public sealed record RecordedSigV4(string AccessKeyId, string Date, string Region, string Service, string? SecurityToken)
{
    public bool HasSecurityToken => SecurityToken is not null;

    public override string ToString() => $"{AccessKeyId} {Region}/{Service}{(HasSecurityToken ? " +session token" : "")}";
}

internal enum SigV4Failure
{
    None,

    /// <summary>No Authorization header (and no presigned query).</summary>
    Missing,

    /// <summary>An Authorization header AWS cannot even parse.</summary>
    Incomplete,

    /// <summary>Parsed, but signed for another service, or the signature does not verify.</summary>
    SignatureMismatch,

    /// <summary>Verification is on and the access key (or its session token) is unknown.</summary>
    UnknownKey,
}

internal readonly record struct SigV4Result(RecordedSigV4? Credential, SigV4Failure Failure, string Message)
{
    public static SigV4Result Fail(SigV4Failure failure, string message) => new(null, failure, message);
}

/// <summary>
/// Checks AWS Signature Version 4 headers the way an AWS front end does, shared by the STS and CodePipeline fakes.
/// By default only the form is checked (algorithm, credential scope, signed headers, a 64-hex signature, X-Amz-Date):
/// that catches an unsigned or mis-scoped request. With a secret lookup the signature is recomputed too, which
/// needs the secret of the signing key: the STS fake knows the secrets it issued (<see cref="FakeSts.LookupIssued"/>).
/// </summary>
internal static class SigV4
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4Result Check(IncomingRequest request, string service, Func<string, AwsSecret?>? secrets)
    {
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            return SigV4Result.Fail(SigV4Failure.Missing, "Request is missing Authentication Token");
        }

        if (!TryParse(authorization, out var scope, out var signedHeaders, out var signature, out var problem))
        {
            return SigV4Result.Fail(SigV4Failure.Incomplete, $"{problem} Authorization={authorization.Split(' ')[0]}");
        }

        var amzDate = request.Header("X-Amz-Date");
        if (amzDate is null || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return SigV4Result.Fail(SigV4Failure.Incomplete, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        var credential = new RecordedSigV4(scope[0], scope[1], scope[2], scope[3], request.Header("X-Amz-Security-Token"));
        if (!amzDate.StartsWith(credential.Date, StringComparison.Ordinal))
        {
            return SigV4Result.Fail(SigV4Failure.SignatureMismatch, $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{credential.Date}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        if (!string.Equals(credential.Service, service, StringComparison.Ordinal))
        {
            return SigV4Result.Fail(SigV4Failure.SignatureMismatch, $"Credential should be scoped to correct service: '{service}'. ");
        }

        if (secrets is null)
        {
            return new SigV4Result(credential, SigV4Failure.None, "");
        }

        var secret = secrets(credential.AccessKeyId);
        if (secret is null || (secret.SessionToken is not null && secret.SessionToken != credential.SecurityToken))
        {
            return SigV4Result.Fail(SigV4Failure.UnknownKey, "The security token included in the request is invalid.");
        }

        var expected = Sign(request, amzDate, credential, signedHeaders, secret.SecretAccessKey);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? new SigV4Result(credential, SigV4Failure.None, "")
            : SigV4Result.Fail(SigV4Failure.SignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex</c>.</summary>
    private static bool TryParse(string authorization, out string[] scope, out string[] signedHeaders, out string signature, out string problem)
    {
        scope = [];
        signedHeaders = [];
        signature = "";
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            problem = "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.";
            return false;
        }

        string? credential = null, headers = null, sig = null;
        foreach (var part in authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = equals < 0 ? (part, "") : (part[..equals], part[(equals + 1)..]);
            switch (key)
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": headers = value; break;
                case "Signature": sig = value; break;
            }
        }

        var missing = (credential is null ? "Authorization header requires 'Credential' parameter. " : "")
            + (headers is null ? "Authorization header requires 'SignedHeaders' parameter. " : "")
            + (sig is null ? "Authorization header requires 'Signature' parameter. " : "");
        if (missing.Length > 0)
        {
            problem = missing.TrimEnd();
            return false;
        }

        scope = credential!.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[1].Length != 8 || !scope[1].All(char.IsAsciiDigit)
            || scope[2].Length == 0 || scope[3].Length == 0 || scope[4] != "aws4_request")
        {
            problem = $"Credential should be scoped to a valid region, service and date ('<key>/<yyyyMMdd>/<region>/<service>/aws4_request'), got '{credential}'.";
            return false;
        }

        signedHeaders = headers!.Split(';');
        if (!signedHeaders.Contains("host"))
        {
            problem = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
            return false;
        }

        if (sig!.Length != 64 || !sig.All(char.IsAsciiHexDigitLower))
        {
            problem = "Signature must be 64 lowercase hexadecimal characters.";
            return false;
        }

        signature = sig;
        problem = "";
        return true;
    }

    /// <summary>Recomputes the signature (AWS General Reference, "Create a signed AWS API request").</summary>
    private static string Sign(IncomingRequest request, string amzDate, RecordedSigV4 credential, string[] signedHeaders, string secret)
    {
        var queryStart = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? request.RawTarget : request.RawTarget[..queryStart];
        var query = queryStart < 0 ? "" : request.RawTarget[(queryStart + 1)..];

        var canonical = new StringBuilder()
            .Append(request.Request.Method).Append('\n')
            .Append(CanonicalPath(path)).Append('\n')
            .Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in signedHeaders)
        {
            canonical.Append(name).Append(':').Append(CanonicalHeaderValue(request.Request.Headers[name])).Append('\n');
        }

        var payloadHash = request.Header("X-Amz-Content-SHA256") == "UNSIGNED-PAYLOAD"
            ? "UNSIGNED-PAYLOAD"
            : Convert.ToHexStringLower(SHA256.HashData(request.BodyBytes.Span));
        canonical.Append('\n').AppendJoin(';', signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{credential.Date}/{credential.Region}/{credential.Service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), credential.Date);
        key = Hmac(key, credential.Region);
        key = Hmac(key, credential.Service);
        key = Hmac(key, "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    // Services other than S3 encode each path segment a second time (the path on the wire is already encoded once).
    private static string CanonicalPath(string rawPath) =>
        rawPath.Length == 0 ? "/" : string.Join('/', rawPath.Split('/').Select(Uri.EscapeDataString));

    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? "" : pair[(equals + 1)..];
                return (Name: Uri.EscapeDataString(Uri.UnescapeDataString(name)), Value: Uri.EscapeDataString(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));

    private static string CanonicalHeaderValue(Microsoft.Extensions.Primitives.StringValues values) =>
        string.Join(',', values.Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))));
}
