using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Bridge.Adapters.Aws;
using Bridge.Sandbox;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bridge.Host.Sandbox;

/// <summary>
/// Runs the real bridge with CodePipeline, STS and GitHub simulated in-process (the same loopback fakes the tests use),
/// replays samples/, prints every status GitHub would show, and keeps serving so more events can be sent with curl.
/// No cloud account is needed.
/// </summary>
public static class SandboxMode
{
    public const string Flag = "--sandbox";
    private const string SandboxKey = "sandbox-key";

    public static async Task RunAsync(string[] args)
    {
        var samples = FindSamples(args);
        await using var github = new FakeGitHub { AcceptAnyToken = true };
        await using var codePipeline = new FakeCodePipeline(accountId: "111122223333");
        await using var sts = new FakeSts(accountId: "111122223333");
        await Task.WhenAll(github.StartAsync(), codePipeline.StartAsync(), sts.StartAsync());
        codePipeline.SeedFrom(Path.Combine(samples, "executions.json"));

        var app = BridgeApp.Build(args.Where(a => a != Flag && !a.StartsWith("--samples", StringComparison.Ordinal)).ToArray(), builder =>
        {
            var settings = LoopbackWiring.Settings(github, codePipeline, sts, "eu-west-1");
            settings["Bridge:FunctionKey"] = builder.Configuration["Bridge:FunctionKey"] ?? SandboxKey;
            settings["GitHub:Token"] = "sandbox-token";
            settings["KeyVault:VaultUri"] = null;
            settings["Aws:RoleArn"] = "arn:aws:iam::111122223333:role/codepipeline-github-bridge";
            settings["Ledger:ConnectionString"] = null;
            settings["Ledger:TableServiceUri"] = null;
            // The replay prints each outcome; the structured per-event lines are there with Logging__LogLevel__Bridge=Information.
            settings["Logging:LogLevel:Bridge"] = builder.Configuration["Logging:LogLevel:Bridge"] ?? "Warning";
            settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton(new AwsBaseCredentials(() => new BasicAWSCredentials("AKIASANDBOXEXAMPLE00", "sandbox/secret/not/a/real/key")));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        var key = app.Configuration["Bridge:FunctionKey"]!;

        Console.WriteLine($"Sandbox: the bridge listens on {address}; CodePipeline, STS and GitHub are simulated on loopback.");
        Console.WriteLine($"Replaying {samples}:");
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        foreach (var file in Directory.GetFiles(samples, "*.json").Where(f => Path.GetFileName(f) != "executions.json").Order())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/codepipeline-events") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(file)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-functions-key", key);
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            Console.WriteLine($"  {Path.GetFileName(file),-48} {(int)response.StatusCode} {body?["outcome"]}{Revisions(body)}");
        }

        Console.WriteLine("Statuses GitHub received:");
        var shown = 0;
        shown = PrintNew(github, shown);
        Console.WriteLine();
        Console.WriteLine("Send more events (Ctrl+C stops):");
        Console.WriteLine($"  curl -s -X POST {address}/api/codepipeline-events -H 'x-functions-key: {key}' -H 'Content-Type: application/json' --data @samples/02-web-app.github-v1.succeeded.json");

        // New statuses from events sent by hand are printed as they arrive.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping)) shown = PrintNew(github, shown);
        }
        catch (OperationCanceledException) { }
        await app.StopAsync();
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

    /// <summary>--samples DIR, else the samples/ folder of the checkout this runs from.</summary>
    private static string FindSamples(string[] args)
    {
        var i = Array.IndexOf(args, "--samples");
        if (i >= 0 && i + 1 < args.Length) return Path.GetFullPath(args[i + 1]);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "samples", "executions.json"))) return Path.Combine(dir.FullName, "samples");
        throw new InvalidOperationException("samples/ not found: run from the repository, or pass --samples <dir>.");
    }
}
