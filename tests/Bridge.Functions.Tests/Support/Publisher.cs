using System.Diagnostics;
using System.Text;

namespace Bridge.Functions.Tests.Support;

/// <summary>
/// Publishes what ships the way the docs do (dotnet publish -c Release -o DIR), so the tests run the artifact itself:
/// the Functions worker (docs/deploy.md: functions.metadata, worker.config.json, host.json and the extension bundle's
/// outputs included), and the Kestrel host's native executable (Bridge.Tests links this file).
/// </summary>
public static class Publisher
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static Task<string> PublishAsync(string outputDirectory, TimeSpan timeout) =>
        PublishAsync(Path.Combine("src", "Bridge.Functions"), outputDirectory, "Bridge.Functions.dll", timeout);

    /// <summary>Publishes <paramref name="project"/> (relative to the repository) with <paramref name="more"/> arguments; fails unless <paramref name="expectedFile"/> is in the output.</summary>
    public static async Task<string> PublishAsync(string project, string outputDirectory, string expectedFile, TimeSpan timeout, params string[] more)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["publish", project, "-c", "Release", "-o", outputDirectory, "--nologo",
                     // No build servers left behind holding this process's output pipes open.
                     "-nodeReuse:false", "-p:UseSharedCompilation=false", .. more])
            info.ArgumentList.Add(arg);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish {project} did not finish within {timeout}:\n{output}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish {project} failed ({process.ExitCode}):\n{output}");
        if (!File.Exists(Path.Combine(outputDirectory, expectedFile)))
            throw new InvalidOperationException($"dotnet publish {project} left no {expectedFile} in {outputDirectory}:\n{output}");
        return outputDirectory;
    }
}
