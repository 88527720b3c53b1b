using System.Globalization;

namespace Bridge.Sandbox;

/// <summary>The secret half of credentials the STS fake issued (<see cref="FakeSts.LookupIssued"/>).</summary>
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

    /// <summary>Parsed, but scoped to another date or service.</summary>
    SignatureMismatch,
}

internal readonly record struct SigV4Result(RecordedSigV4? Credential, SigV4Failure Failure, string Message)
{
    public static SigV4Result Fail(SigV4Failure failure, string message) => new(null, failure, message);
}

/// <summary>
/// Checks the form of AWS Signature Version 4 headers the way an AWS front end does, shared by the STS and CodePipeline
/// fakes: algorithm, credential scope, signed headers, a 64-hex signature, X-Amz-Date. That catches an unsigned or
/// mis-scoped request; the signature itself is not recomputed (a fake cannot know the secret of arbitrary credentials).
/// </summary>
internal static class SigV4
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4Result Check(IncomingRequest request, string service)
    {
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            return SigV4Result.Fail(SigV4Failure.Missing, "Request is missing Authentication Token");
        }

        if (!TryParse(authorization, out var scope, out var problem))
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

        return new SigV4Result(credential, SigV4Failure.None, "");
    }

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex</c>.</summary>
    private static bool TryParse(string authorization, out string[] scope, out string problem)
    {
        scope = [];
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

        if (!headers!.Split(';').Contains("host"))
        {
            problem = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
            return false;
        }

        if (sig!.Length != 64 || !sig.All(char.IsAsciiHexDigitLower))
        {
            problem = "Signature must be 64 lowercase hexadecimal characters.";
            return false;
        }

        problem = "";
        return true;
    }
}
