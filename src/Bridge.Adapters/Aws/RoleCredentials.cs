using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Aws;

/// <summary>
/// One STS session of one role, shared by every event whatever its account: assumed once, refreshed early, and the
/// refresh shared by concurrent callers (N events needing fresh credentials → one STS call). The refresh runs on its
/// own share of the request budget so one caller giving up does not fail the others; callers wait for it within
/// their own budget. Written here rather than on the SDK's RefreshingAWSCredentials, whose refresh takes no
/// cancellation and refreshes on every call once the credentials are within its fixed margin.
/// </summary>
public abstract class RoleCredentials : AWSCredentials
{
    /// <summary>Refresh this long before expiry, or halfway through shorter-lived credentials.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    /// <summary>Credentials this close to expiry are not used even when a refresh fails.</summary>
    private static readonly TimeSpan UsableMargin = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshBudget;
    private readonly Lock _gate = new();
    private volatile Session? _current;
    private Task<Session>? _refresh;

    protected RoleCredentials(TimeProvider time, RequestBudget budget) => (_time, _refreshBudget) = (time, budget.Upstream);

    public abstract string RoleArn { get; }

    /// <summary>One STS call (with its retries) for fresh credentials, cut off by <paramref name="ct"/>.</summary>
    protected abstract Task<Credentials> AssumeAsync(CancellationToken ct);

    /// <summary>Fresh enough credentials, assuming the role (once, for all callers) when needed. Throws <see cref="UpstreamException"/>.</summary>
    public async Task<ImmutableCredentials> EnsureAsync(CancellationToken ct)
    {
        var current = _current;
        var now = _time.GetUtcNow();
        if (current is not null && now < current.RefreshAt) return current.Credentials;

        Task<Session> refresh;
        lock (_gate) refresh = _refresh ??= RefreshAsync();

        if (current is not null && now < current.Expires - UsableMargin)
        {
            // Still valid: a failed early refresh must not fail the event; the next one tries again.
            try { return (await refresh.WaitAsync(ct).ConfigureAwait(false)).Credentials; }
            catch (UpstreamException) { return current.Credentials; }
        }
        return (await refresh.WaitAsync(ct).ConfigureAwait(false)).Credentials;
    }

    /// <summary>CodePipeline said the credentials expired: drop them, if they are still the current ones.</summary>
    public void Invalidate(ImmutableCredentials used)
    {
        var current = _current;
        if (current is not null && ReferenceEquals(current.Credentials, used)) _current = null;
    }

    public override ImmutableCredentials GetCredentials() =>
        _current?.Credentials ?? throw new InvalidOperationException($"The credentials of {RoleArn} are used before they were assumed (call EnsureAsync first).");

    public override Task<ImmutableCredentials> GetCredentialsAsync() => EnsureAsync(CancellationToken.None);

    private async Task<Session> RefreshAsync()
    {
        await Task.Yield(); // _refresh is set before the call can finish and clear it
        try
        {
            using var budget = new CancellationTokenSource(_refreshBudget, _time);
            // The span covers the STS call only (its retries included), never the role ARN's credentials or the token.
            using var call = BridgeTelemetry.StartUpstream("sts", Operation);
            Credentials c;
            try
            {
                c = await AssumeAsync(budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (budget.IsCancellationRequested)
            {
                throw new UpstreamException("STS", FailureKind.Transient, $"{Operation} did not answer within the request budget", RequestBudget.DefaultRetryAfter, ex);
            }
            catch (Exception ex) when (ex is not UpstreamException)
            {
                if (ex is AmazonServiceException s) call.Answered((int)s.StatusCode);
                throw StsErrors.Map(Operation, ex);
            }

            if (c is null || string.IsNullOrEmpty(c.AccessKeyId) || string.IsNullOrEmpty(c.SecretAccessKey) || string.IsNullOrEmpty(c.SessionToken))
                throw new UpstreamException("STS", FailureKind.Transient, $"{Operation} answered without credentials", RequestBudget.DefaultRetryAfter);
            var now = _time.GetUtcNow();
            var expires = c.Expiration is { } e ? new DateTimeOffset(e.ToUniversalTime(), TimeSpan.Zero) : now.AddMinutes(15);
            var lifetime = expires - now;
            var margin = lifetime / 2 < RefreshBefore ? lifetime / 2 : RefreshBefore;
            var session = new Session(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expires, expires - margin);
            _current = session;
            call.Succeeded();
            return session;
        }
        finally
        {
            lock (_gate) _refresh = null;
        }
    }

    protected abstract string Operation { get; }

    private sealed record Session(ImmutableCredentials Credentials, DateTimeOffset Expires, DateTimeOffset RefreshAt);
}
