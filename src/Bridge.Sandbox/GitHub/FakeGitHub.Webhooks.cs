using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Sandbox;

/// <summary>
/// GitHub's side of a check_run webhook: what GitHub posts when someone clicks a run's requested action or Re-run,
/// built from the run the fake holds (its id, head_sha, external_id and the app that created it), with the headers
/// GitHub sends (<c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c>, <c>X-Hub-Signature-256</c>, the HMAC-SHA256 of the
/// body with the app's webhook secret).
/// </summary>
public sealed partial class FakeGitHub
{
    /// <summary>Delivers a check_run event for one of the fake's runs to <paramref name="url"/>, as GitHub does.</summary>
    /// <param name="action"><c>requested_action</c> (with <paramref name="identifier"/>) or <c>rerequested</c>.</param>
    /// <param name="delivery">GitHub's delivery id; the same id again is a redelivery.</param>
    public async Task<HttpResponseMessage> DeliverCheckRunEventAsync(Uri url, string secret, long runId, string action, string? identifier = null,
        string? delivery = null, string sender = "octocat", CancellationToken ct = default)
    {
        if (!_checkRuns.TryGetValue(runId, out var run)) throw new InvalidOperationException($"No check run {runId}.");
        var app = _installations.TryGetValue(run.InstallationId, out var installation) ? installation.AppId : 0;
        var payload = new JsonObject
        {
            ["action"] = action,
            ["check_run"] = new JsonObject
            {
                ["id"] = run.Id,
                ["name"] = run.Name,
                ["head_sha"] = run.HeadSha,
                ["external_id"] = run.ExternalId,
                ["status"] = run.Status,
                ["conclusion"] = run.Conclusion,
                ["details_url"] = run.DetailsUrl,
                ["app"] = new JsonObject { ["id"] = app, ["slug"] = _apps.TryGetValue(app, out var registered) ? registered.Slug : "unknown" },
            },
            ["repository"] = new JsonObject { ["full_name"] = $"{run.Owner}/{run.Repo}", ["html_url"] = $"https://github.com/{run.Owner}/{run.Repo}", ["private"] = true },
            ["sender"] = new JsonObject { ["login"] = sender, ["type"] = "User" },
            ["installation"] = new JsonObject { ["id"] = run.InstallationId },
        };
        if (identifier is not null) payload["requested_action"] = new JsonObject { ["identifier"] = identifier };
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "check_run");
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-GitHub-Hook-Installation-Target-ID", app.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/fake");
        using var client = new HttpClient();
        return await client.SendAsync(request, ct).ConfigureAwait(false);
    }
}
