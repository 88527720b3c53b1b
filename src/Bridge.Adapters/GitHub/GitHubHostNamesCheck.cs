using Bridge.Adapters.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Runs with the options' start-up validation and never fails it: when an API base is reached through a name that is
/// neither api.github.com nor an Enterprise Server's <c>/api/v3</c> and <c>Host</c> is not set, revisions on the real web
/// host (github.com, say) would all be skipped with a 200, silently. That is said once, as a warning, at start-up,
/// with the web hosts that do get statuses.
/// </summary>
internal sealed partial class GitHubHostNamesCheck(ILogger<GitHubHostNamesCheck> logger) : IValidateOptions<GitHubOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        foreach (var (prefix, host) in options.AllHosts())
        {
            var api = host.ApiBaseUrl;
            if (host.Host is { Length: > 0 } || api.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase)
                || api.AbsolutePath.TrimEnd('/').EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase))
                continue;
            HostGuessed(logger, prefix, api.Host, host.WebHost, string.Join(", ", options.AllHosts().Select(h => h.Host.WebHost)));
        }
        return ValidateOptionsResult.Skip;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Prefix}:ApiBaseUrl reaches {ApiHost}, which is neither api.github.com nor a GitHub Enterprise Server API (/api/v3), and {Prefix}:Host is not set: only revisions on {WebHost} get statuses, every other one is skipped. Set {Prefix}:Host to the web host of the repositories (github.com, or the Enterprise Server's name). Hosts that get statuses: {WebHosts}")]
    private static partial void HostGuessed(ILogger logger, string prefix, string apiHost, string webHost, string webHosts);
}
