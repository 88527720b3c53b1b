using Amazon.Runtime;
using Azure.Core;
using Bridge.Adapters.Aws;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.GitHub;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Microsoft.Extensions.Options;
using Octokit;

namespace Bridge.Adapters.Health;

/// <summary>One verified credential or dependency, with a reason an operator can act on.</summary>
public sealed record HealthCheckResult(string Name, bool Ok, string Detail);

/// <summary>
/// What an operator runs right after deploying: every configured credential checked end to end, without posting
/// anything. Key Vault secrets are read, the Entra token for AWS obtained, each role assumed, each GitHub token or
/// app installation asked what it may do. Each check reads through to its source (no cached value stands in), is
/// bounded by the request budget's upstream share, and ends as pass or fail with a reason: a check never throws, and a
/// reason never carries an exception message that could hold a secret.
/// </summary>
public sealed class DeepHealthCheck(
    GitHubHosts github,
    AwsCredentialSource aws,
    AwsBaseCredentials awsBase,
    IOptions<AwsOptions> awsOptions,
    TokenCredential azure,
    IStatusLedger ledger,
    IHttpMessageHandlerFactory handlers,
    RequestBudget budget,
    TimeProvider time)
{
    /// <summary>The GitHub hosts (web host names) that get statuses, each with its own credential.</summary>
    public IReadOnlyList<string> StatusHosts => [.. github.All.Select(h => h.Options.WebHost)];

    public async Task<IReadOnlyList<HealthCheckResult>> RunAsync(CancellationToken ct)
    {
        var checks = new List<Task<HealthCheckResult>>();
        foreach (var host in github.All)
        {
            checks.Add(Check($"{host.Prefix}: {host.Secret.Name}", async t => { await host.Secret.ReadThroughAsync(t); return "readable"; }, ct));
            checks.Add(host.Tokens is GitHubAppTokenProvider app ? Check($"{host.Prefix}: GitHub App {host.Options.AppId}", t => AppAsync(host, app, t), ct)
                : Check($"{host.Prefix}: token on {host.Options.WebHost}", t => TokenAsync(host, t), ct));
        }
        var o = awsOptions.Value;
        if (o.WebIdentityAudience is { } audience)
            checks.Add(Check($"Entra ID token for {audience}", async t =>
            {
                await azure.GetTokenAsync(new TokenRequestContext([$"{audience.TrimEnd('/')}/.default"]), t);
                return "obtained from the managed identity";
            }, ct));
        var roles = aws.ConfiguredRoles().ToList();
        foreach (var (account, credentials) in roles)
            checks.Add(Check($"AWS role for {(account == "default" ? "every account" : $"account {account}")}", _ => AssumeAsync(credentials), ct));
        if (roles.Count == 0)
            checks.Add(Check("AWS base credentials", _ => AssumeAsync(awsBase.Get()), ct));
        checks.Add(Check("status ledger", async t =>
        {
            await ledger.ReadAsync(new StatusKey("health", "check/check", new string('0', 40), "health"), t);
            return ledger is InMemoryStatusLedger ? "in memory (one instance only)" : "Table Storage reachable";
        }, ct));
        return await Task.WhenAll(checks);
    }

    /// <summary>One check, bounded by the budget's upstream share even where the SDK takes no cancellation token, never throwing.</summary>
    private async Task<HealthCheckResult> Check(string name, Func<CancellationToken, Task<string>> check, CancellationToken ct)
    {
        var limit = budget.Upstream;
        using var timeout = new CancellationTokenSource(limit, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return new HealthCheckResult(name, true, await Task.Run(() => check(bounded.Token), bounded.Token).WaitAsync(limit, time, ct));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(name, false, $"no answer within {limit.TotalSeconds:0.#} s");
        }
        catch (UpstreamException ex)
        {
            return new HealthCheckResult(name, false, ex.Message);
        }
        catch (AmazonServiceException ex)
        {
            return new HealthCheckResult(name, false, $"AWS refused: {ex.ErrorCode ?? ex.StatusCode.ToString()}");
        }
        catch (ApiException ex)
        {
            return new HealthCheckResult(name, false, $"GitHub answered {(int)ex.StatusCode}: {ex.ApiError?.Message ?? ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or AmazonClientException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            return new HealthCheckResult(name, false, $"{ex.GetType().Name}: could not be reached or obtained");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Garbage from an upstream (HTML, broken XML), an unusable key: the type says what; the message may hold a secret.
            return new HealthCheckResult(name, false, $"{ex.GetType().Name}: the answer or the credential could not be used");
        }
    }

    private static async Task<string> AssumeAsync(AWSCredentials credentials)
    {
        var c = await credentials.GetCredentialsAsync();
        return credentials is RoleCredentials role ? $"{role.RoleArn} assumed" : $"credentials of {c.AccessKey[..4]}… resolved";
    }

    /// <summary>A PAT: GitHub says who it is and (classic tokens) which scopes it has; repo or repo:status may write statuses.</summary>
    private async Task<string> TokenAsync(GitHubHost host, CancellationToken ct)
    {
        var token = await host.Tokens.GetTokenAsync("health", "check", true, ct);
        var client = GitHubClientFactory.Create(host.Options.ApiBaseUrl, token, () => handlers.CreateHandler(BridgeServiceCollectionExtensions.GitHubHttpClient));
        var user = await GitHubClientFactory.GetAsync<UserWire>(client, "user", ct);
        var scopes = client.GetLastApiInfo()?.OauthScopes ?? [];
        if (scopes.Count == 0) return $"valid for {user.Login}; fine-grained token: GitHub does not report its permissions, it needs Commit statuses: write";
        if (scopes.Contains("repo") || scopes.Contains("repo:status")) return $"valid for {user.Login}, scopes {string.Join(", ", scopes)}";
        throw new UpstreamException("GitHub", FailureKind.Misconfigured, $"valid for {user.Login} but its scopes ({string.Join(", ", scopes)}) include neither repo nor repo:status");
    }

    /// <summary>A GitHub App: the JWT is accepted, and each configured installation may write statuses.</summary>
    private static async Task<string> AppAsync(GitHubHost host, GitHubAppTokenProvider app, CancellationToken ct)
    {
        var notes = new List<string> { $"app '{await app.GetAppNameAsync(ct)}' accepted its JWT" };
        foreach (var owner in host.Options.InstallationIds.Keys)
        {
            var permissions = await app.GetPermissionsAsync(owner, "health", ct);
            var statuses = permissions.GetValueOrDefault("statuses");
            if (statuses != "write")
                throw new UpstreamException("GitHub App", FailureKind.Misconfigured, $"the installation for {owner} has statuses: {statuses ?? "none"}; it needs write");
            notes.Add($"installation for {owner} may write statuses");
        }
        if (host.Options.InstallationIds.Count == 0) notes.Add("installations are looked up per owner when first needed");
        return string.Join("; ", notes);
    }
}
