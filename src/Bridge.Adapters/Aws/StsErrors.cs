using Amazon.Runtime;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Aws;

/// <summary>
/// What an STS (or Entra token) failure means for EventBridge. STS's documented errors, mapped one by one:
/// transient (503 + Retry-After): Throttling, IDPCommunicationError ("retry the request"), ExpiredTokenException
/// (after one retry with a fresh token), InternalFailure/ServiceUnavailable and any 5xx, an answer that does not parse,
/// a connection or timeout failure, a managed identity endpoint that does not answer;
/// misconfigured (424 → dead-letter queue): AccessDenied, InvalidIdentityToken, IDPRejectedClaim,
/// RegionDisabledException, MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError, InvalidClientTokenId,
/// SignatureDoesNotMatch and other client errors.
/// </summary>
internal static class StsErrors
{
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "IDPCommunicationError", "IDPCommunicationErrorException",
        "ExpiredTokenException", "ExpiredToken", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
    };

    public static UpstreamException Map(string operation, Exception ex) => ex switch
    {
        AmazonUnmarshallingException => new("STS", FailureKind.Transient, $"{operation} answered something that is not an STS answer", RequestBudget.DefaultRetryAfter, ex),
        AmazonServiceException s when s.ErrorCode is null || (int)s.StatusCode is < 400 or >= 500 || Transient.Contains(s.ErrorCode) =>
            new("STS", FailureKind.Transient, $"{operation} failed: {s.ErrorCode ?? ((int)s.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}", RequestBudget.DefaultRetryAfter, ex),
        AmazonServiceException s => new("STS", FailureKind.Misconfigured, $"{operation} failed: {s.ErrorCode}", inner: ex),
        Azure.Identity.CredentialUnavailableException or Azure.Identity.AuthenticationFailedException or Azure.RequestFailedException =>
            new("Entra ID", FailureKind.Transient, "the managed identity's token for Aws:WebIdentityAudience could not be obtained (the identity endpoint did not answer or failed)", RequestBudget.DefaultRetryAfter, ex),
        _ => new("STS", FailureKind.Transient, $"{operation} could not be completed ({ex.GetType().Name})", RequestBudget.DefaultRetryAfter, ex),
    };
}
