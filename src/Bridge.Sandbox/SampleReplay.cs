using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Bridge.Sandbox;

/// <summary>
/// The sandbox's console: replays samples/ into a <see cref="LoopbackBridge"/>, prints every status GitHub would show,
/// and keeps printing new ones while events are sent by hand. No cloud account is needed.
/// </summary>
internal static class SampleReplay
{
    private const string SamplesFlag = "--samples";

    public static async Task RunAsync(LoopbackBridge bridge, string samples)
    {
        var address = bridge.Address.GetLeftPart(UriPartial.Authority);
        var key = bridge.FunctionKey;
        Console.WriteLine($"Sandbox: the bridge listens on {address}; CodePipeline, STS and GitHub are simulated on loopback.");
        Console.WriteLine($"Replaying {samples}:");
        using var http = new HttpClient { BaseAddress = bridge.Address };
        foreach (var file in Directory.GetFiles(samples, "*.json").Where(f => Path.GetFileName(f) != "executions.json").Order())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/codepipeline-events") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(file)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-functions-key", key);
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            Console.WriteLine($"  {Path.GetFileName(file),-48} {(int)response.StatusCode} {body?["outcome"]}{Revisions(body)}");
        }

        Console.WriteLine("Statuses GitHub received:");
        var shown = PrintNew(bridge.GitHub, 0);
        Console.WriteLine();
        Console.WriteLine("Send more events (Ctrl+C stops):");
        Console.WriteLine($"  curl -s -X POST {address}/api/codepipeline-events -H 'x-functions-key: {key}' -H 'Content-Type: application/json' --data @samples/02-web-app.github-v1.succeeded.json");

        // New statuses from events sent by hand are printed as they arrive.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(bridge.App.Lifetime.ApplicationStopping)) shown = PrintNew(bridge.GitHub, shown);
        }
        catch (OperationCanceledException) { }
        await bridge.App.StopAsync();
    }

    /// <summary>The arguments meant for the host: all but <c>--samples DIR</c>.</summary>
    public static string[] HostArguments(string[] args)
    {
        var i = Array.IndexOf(args, SamplesFlag);
        return i < 0 ? args : [.. args[..i], .. args[Math.Min(i + 2, args.Length)..]];
    }

    /// <summary>--samples DIR, else the samples/ folder of the checkout this runs from.</summary>
    public static string FindSamples(string[] args)
    {
        var i = Array.IndexOf(args, SamplesFlag);
        if (i >= 0 && i + 1 < args.Length) return Path.GetFullPath(args[i + 1]);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "samples", "executions.json"))) return Path.Combine(dir.FullName, "samples");
        throw new InvalidOperationException("samples/ not found: run from the repository, or pass --samples <dir>.");
    }

    private static int PrintNew(FakeGitHub github, int alreadyShown)
    {
        var all = github.Statuses;
        foreach (var s in all.Skip(alreadyShown))
            Console.WriteLine($"  {s.State,-8} {s.OwnerRepo}@{s.Sha[..7]}  [{s.Context}]  {s.Description}");
        return all.Count;
    }

    private static string Revisions(JsonNode? body) =>
        body?["revisions"] is JsonArray { Count: > 0 } revisions
            ? " — " + string.Join("; ", revisions.Select(r => $"{r!["repository"]}: {r["outcome"]}{(r["outcome"]?.ToString() == "skipped" ? $" ({r["detail"]})" : "")}"))
            : "";
}
