namespace Bridge.Sandbox;

/// <summary>One AssumeRole / AssumeRoleWithWebIdentity call the STS fake answered (successfully or not).</summary>
/// <param name="Action">AssumeRole or AssumeRoleWithWebIdentity.</param>
/// <param name="RoleArn">The requested role.</param>
/// <param name="RoleSessionName">The requested session name.</param>
/// <param name="ExternalId">The sts:ExternalId sent with AssumeRole, if any.</param>
/// <param name="WebIdentityToken">The token sent with AssumeRoleWithWebIdentity.</param>
/// <param name="CallerAccessKeyId">The access key that signed the call (null for the anonymous web identity call).</param>
/// <param name="IssuedAccessKeyId">The access key id handed out, or null when the call failed.</param>
/// <param name="ErrorCode">The STS error code when the call failed (for example AccessDenied), otherwise null.</param>
/// <param name="Sequence">Arrival order, from 1.</param>
public sealed record StsCall(
    string Action,
    string? RoleArn,
    string? RoleSessionName,
    string? ExternalId,
    string? WebIdentityToken,
    string? CallerAccessKeyId,
    string? IssuedAccessKeyId,
    string? ErrorCode,
    long Sequence)
{
    public bool Succeeded => ErrorCode is null;

    public override string ToString() =>
        $"#{Sequence} {Action} {RoleArn} session={RoleSessionName} caller={CallerAccessKeyId ?? "anonymous"} -> {IssuedAccessKeyId ?? ErrorCode}";
}
