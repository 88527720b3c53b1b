using System.Diagnostics;

namespace Bridge.Redrive.Tests.Fakes;

/// <summary>
/// Runs the built tool as an operator does: its own process, AWS credentials and AWS_ENDPOINT_URL_SQS from the
/// environment, nothing from the machine's ~/.aws. Bounded by a deadline, never by a sleep.
/// </summary>
public static class RedriveProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(Uri sqsEndpoint, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "redrive.dll");
        Assert.True(File.Exists(tool), $"the tool was not built next to the tests: {tool}");
        var home = Directory.CreateTempSubdirectory("redrive-home-");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(tool);
            foreach (var a in args) start.ArgumentList.Add(a);
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k == "BRIDGE_FUNCTION_KEY").ToList())
                start.Environment.Remove(name);
            start.Environment["HOME"] = home.FullName;
            start.Environment["AWS_CONFIG_FILE"] = Path.Combine(home.FullName, "config");
            start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home.FullName, "credentials");
            start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            start.Environment["AWS_ACCESS_KEY_ID"] = SqsFake.AccessKeyId;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = SqsFake.SecretAccessKey;
            start.Environment["AWS_ENDPOINT_URL_SQS"] = sqsEndpoint.ToString();
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            foreach (var (name, value) in environment)
                if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"redrive did not finish within 60 s:\n{await stdout}\n{await stderr}");
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
