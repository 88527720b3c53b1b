using Bridge.Adapters.Http;
using Bridge.Core.Checks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bridge.Functions;

/// <summary>
/// GitHub's check_run webhooks (checks mode's buttons). Anonymous at the host: GitHub sends no function key, so the
/// signature (X-Hub-Signature-256, HMAC-SHA256 of the body with the webhook secret) is the authentication, checked
/// before the body is read as anything.
/// </summary>
public sealed class GitHubWebhooksFunction(GitHubWebhookHandler handler)
{
    [Function("GitHubWebhooks")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "github-webhooks")] HttpRequest request)
    {
        await BridgeHttp.HandleWebhookAsync(request.HttpContext, handler);
        return new EmptyResult();
    }
}
