using Bridge.Adapters.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bridge.Functions;

/// <summary>Liveness only: answers without calling any upstream, so probes never cost GitHub or AWS quota.</summary>
public sealed class HealthFunction
{
    [Function("Health")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        await BridgeHttp.WriteHealthAsync(request.HttpContext.Response);
        return new EmptyResult();
    }
}
