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
/// app installation asked what it may do.
/// </summary>
public sealed class DeepHealthCheck(
    GitHubHosts github,
    AwsCredentialSource aws,
    AwsBaseCredentials awsBase,
    IOptions<AwsOptions> awsOptions,
    TokenCredential azure,
    IStatusLedger ledger,
    IHttpMessageHandlerFactory handlers)
{
    public async Task<IReadOnlyList<HealthCheckResult>> RunAsync(CancellationToken ct)
    {
        var checks = new List<Task<HealthCheckResult>>();
        foreach (var host in github.All)
        {
            checks.Add(Check($"{host.Prefix}: {host.Secret.Name}", async () => { await host.Secret.GetAsync(true, ct); return "readable"; }));
            checks.Add(host.Tokens is GitHubAppTokenProvider app ? Check($"{host.Prefix}: GitHub App {host.Options.AppId}", () => AppAsync(host, app, ct))
                : Check($"{host.Prefix}: token on {host.Options.WebHost}", () => TokenAsync(host, ct)));
        }
        var o = awsOptions.Value;
        if (o.WebIdentityAudience is { } audience)
            checks.Add(Check($"Entra ID token for {audience}", async () =>
            {
                await azure.GetTokenAsync(new TokenRequestContext([$"{audience.TrimEnd('/')}/.default"]), ct);
                return "obtained from the managed identity";
            }));
        var roles = aws.ConfiguredRoles().ToList();
        foreach (var (account, credentials) in roles)
            checks.Add(Check($"AWS role for {(account == "default" ? "every account" : $"account {account}")}", () => AssumeAsync(credentials)));
        if (roles.Count == 0)
            checks.Add(Check("AWS base credentials", () => AssumeAsync(awsBase.Get())));
        checks.Add(Check("status ledger", async () =>
        {
            await ledger.ReadAsync(new StatusKey("health", "check/check", new string('0', 40), "health"), ct);
            return ledger is InMemoryStatusLedger ? "in memory (one instance only)" : "Table Storage reachable";
        }));
        return await Task.WhenAll(checks);
    }

    private static async Task<HealthCheckResult> Check(string name, Func<Task<string>> check)
    {
        try
        {
            return new HealthCheckResult(name, true, await check());
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
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or AmazonClientException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            return new HealthCheckResult(name, false, $"{ex.GetType().Name}: could not be reached or obtained");
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
        var user = await client.User.Current().WaitAsync(ct);
        var scopes = client.GetLastApiInfo()?.OauthScopes ?? [];
        if (scopes.Count == 0) return $"valid for {user.Login}; fine-grained token: GitHub does not report its permissions, it needs Commit statuses: write";
        if (scopes.Contains("repo") || scopes.Contains("repo:status")) return $"valid for {user.Login}, scopes {string.Join(", ", scopes)}";
        throw new UpstreamException("GitHub", FailureKind.Misconfigured, $"valid for {user.Login} but its scopes ({string.Join(", ", scopes)}) include neither repo nor repo:status");
    }

    /// <summary>A GitHub App: the JWT is accepted, and each configured installation may write statuses.</summary>
    private static async Task<string> AppAsync(GitHubHost host, GitHubAppTokenProvider app, CancellationToken ct)
    {
        var me = await app.GetAppAsync(ct);
        var notes = new List<string> { $"app '{me.Slug ?? me.Name}' accepted its JWT" };
        foreach (var owner in host.Options.InstallationIds.Keys)
        {
            var permissions = await app.GetPermissionsAsync(owner, "health", ct);
            var statuses = permissions.Statuses?.StringValue;
            if (statuses != "write")
                throw new UpstreamException("GitHub App", FailureKind.Misconfigured, $"the installation for {owner} has statuses: {statuses ?? "none"}; it needs write");
            notes.Add($"installation for {owner} may write statuses");
        }
        if (host.Options.InstallationIds.Count == 0) notes.Add("installations are looked up per owner when first needed");
        return string.Join("; ", notes);
    }
}
