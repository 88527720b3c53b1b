using Bridge.Adapters.Http;
using Bridge.Core.Handling;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bridge.Functions;

/// <summary>
/// EventBridge's API destination posts every CodePipeline state change here. The Functions host checks the
/// function key (x-functions-key) before this runs; everything else is the shared handler.
/// </summary>
public sealed class CodePipelineEventsFunction(PipelineEventHandler handler)
{
    [Function("CodePipelineEvents")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "codepipeline-events")] HttpRequest request)
    {
        await BridgeHttp.HandleEventAsync(request.HttpContext, handler);
        return new EmptyResult();
    }
}
