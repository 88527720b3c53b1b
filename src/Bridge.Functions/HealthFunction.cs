using Bridge.Adapters.Health;
using Bridge.Adapters.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bridge.Functions;

/// <summary>
/// Liveness (anonymous, no upstream call, so probes never cost GitHub or AWS quota) and the deep check of every
/// credential, which sits behind the function key.
/// </summary>
public sealed class HealthFunction(DeepHealthCheck deep)
{
    [Function("Health")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        // This route is anonymous; the deep check reads secrets and calls every upstream, so it has its own keyed route.
        if (request.Query["deep"] == "true")
            await BridgeHttp.WriteProblemAsync(request.HttpContext.Response, 401, "Unauthorized", "The deep check needs the function key: GET /api/health/deep with x-functions-key.");
        else
            await BridgeHttp.WriteHealthAsync(request.HttpContext.Response);
        return new EmptyResult();
    }

    [Function("HealthDeep")]
    public async Task<IActionResult> RunDeep([HttpTrigger(AuthorizationLevel.Function, "get", Route = "health/deep")] HttpRequest request)
    {
        await BridgeHttp.WriteDeepHealthAsync(request.HttpContext.Response, deep, request.HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
