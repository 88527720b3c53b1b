using Bridge.Adapters;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.Health;
using Bridge.Adapters.Http;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Microsoft.Extensions.Options;

namespace Bridge.Host;

/// <summary>
/// The Kestrel host: the same routes as the Function app over the same handlers. It checks the function key
/// itself, since no Functions host stands in front of it.
/// </summary>
public static class BridgeApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddBridge(builder.Configuration);
        builder.Services.AddHostedService<RepairService>();
        builder.Services.AddOptions<BridgeOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.FunctionKey), "Bridge:FunctionKey is required: the Kestrel host checks x-functions-key against it.")
            .ValidateOnStart();

        var app = builder.Build();
        // Outermost of the app's own middleware, so inside ASP.NET Core's developer exception page (added in
        // Development): no environment shows an error page that echoes the request's headers (x-functions-key).
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                await BridgeHttp.WriteUnhandledAsync(context, ex, $"answering {context.Request.Method} {context.Request.Path}");
            }
        });
        var keyHash = new Lazy<byte[]>(() => BridgeHttp.KeyHash(app.Services.GetRequiredService<IOptions<BridgeOptions>>().Value.FunctionKey!));
        // Plain RequestDelegates: minimal APIs' RequestDelegateFactory would compile an expression tree per route at start-up,
        // which a new instance pays for before its first answer (BENCHMARKS.md, Cold start).
        app.MapPost("/api/codepipeline-events", async context =>
        {
            if (await RefusedAsync(context, keyHash.Value)) return;
            await BridgeHttp.HandleEventAsync(context, context.RequestServices.GetRequiredService<PipelineEventHandler>());
        });
        // No function key: GitHub sends none. The signature over the body is checked before anything else.
        app.MapPost("/api/github-webhooks", context => BridgeHttp.HandleWebhookAsync(context, context.RequestServices.GetRequiredService<GitHubWebhookHandler>()));
        app.MapGet("/api/health", async context =>
        {
            if (context.Request.Query["deep"] != "true") await BridgeHttp.WriteHealthAsync(context.Response);
            else if (!await RefusedAsync(context, keyHash.Value)) await BridgeHttp.WriteDeepHealthAsync(context.Response, context.RequestServices.GetRequiredService<DeepHealthCheck>(), context.RequestAborted);
        });
        app.MapGet("/api/health/deep", async context =>
        {
            if (!await RefusedAsync(context, keyHash.Value)) await BridgeHttp.WriteDeepHealthAsync(context.Response, context.RequestServices.GetRequiredService<DeepHealthCheck>(), context.RequestAborted);
        });
        return app;
    }

    /// <summary>Answers 401 (and calls nothing upstream) unless x-functions-key carries the configured key.</summary>
    private static async Task<bool> RefusedAsync(HttpContext context, byte[] keyHash)
    {
        if (BridgeHttp.KeyMatches(context.Request.Headers[BridgeHttp.FunctionKeyHeader], keyHash)) return false;
        await BridgeHttp.WriteProblemAsync(context.Response, 401, "Unauthorized", $"A valid function key is required in the {BridgeHttp.FunctionKeyHeader} header.");
        return true;
    }
}
