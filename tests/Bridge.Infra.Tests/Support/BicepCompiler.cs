using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Bridge.Infra.Tests.Support;

/// <summary>
/// Gives the ARM JSON compiled from infra-bicep/main.bicep. Reads artifacts/arm/main.json (written by
/// tests/tools/validate-templates.sh); compiles it with the Bicep CLI restored from NuGet when that
/// file is missing or older than a .bicep file, so that <c>dotnet test</c> works on its own.
/// </summary>
internal static class BicepCompiler
{
    public const string BicepVersion = "0.49.2";

    private static readonly Lazy<JsonNode> LazyMain = new(LoadMain, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The compiled main template. Callers that mutate it must <see cref="JsonNode.DeepClone"/> first.</summary>
    public static JsonNode MainTemplate => LazyMain.Value;

    private static JsonNode LoadMain()
    {
        var json = RepoPaths.CompiledMainJson;
        if (!File.Exists(json) || IsStale(json))
        {
            Compile(RepoPaths.MainBicep, RepoPaths.CompiledArmDirectory);
        }

        return JsonNode.Parse(File.ReadAllText(json))
            ?? throw new InvalidOperationException($"{json} is empty.");
    }

    /// <summary>
    /// The parameter values <c>bicep build-params</c> computes from a .bicepparam file, with these environment
    /// variables (readEnvironmentVariable) set for the CLI: name → value.
    /// </summary>
    public static JsonObject BuildParams(string bicepParamFile, IReadOnlyDictionary<string, string> environment)
    {
        var (code, output) = Run(BicepExecutable(), ["build-params", bicepParamFile, "--stdout"], environment);
        if (code != 0)
        {
            throw new InvalidOperationException($"bicep build-params {bicepParamFile} failed ({code}):\n{output}");
        }

        var parametersJson = JsonNode.Parse(output)?["parametersJson"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"bicep build-params wrote no parametersJson:\n{output}");
        var values = new JsonObject();
        foreach (var (name, parameter) in JsonNode.Parse(parametersJson)!["parameters"]!.AsObject())
        {
            values[name] = parameter?["value"]?.DeepClone();
        }

        return values;
    }

    private static bool IsStale(string json)
    {
        var compiledAt = File.GetLastWriteTimeUtc(json);
        return Directory.EnumerateFiles(RepoPaths.BicepDirectory, "*.bicep", SearchOption.AllDirectories)
            .Append(Path.Combine(RepoPaths.BicepDirectory, "bicepconfig.json"))
            .Where(File.Exists)
            .Any(f => File.GetLastWriteTimeUtc(f) > compiledAt);
    }

    private static void Compile(string bicepFile, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var (code, output) = Run(BicepExecutable(), ["build", bicepFile, "--outdir", outDir]);
        if (code != 0)
        {
            throw new InvalidOperationException($"bicep build {bicepFile} failed ({code}):\n{output}");
        }
    }

    private static string BicepExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BICEP");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", BicepVersion, "tools", "bicep");
        if (!File.Exists(bicep))
        {
            var (code, output) = Run("dotnet", ["restore", RepoPaths.BicepToolProject, "--nologo"]);
            if (code != 0 || !File.Exists(bicep))
            {
                throw new InvalidOperationException(
                    $"The Bicep CLI is not at {bicep} and 'dotnet restore {RepoPaths.BicepToolProject}' did not bring it ({code}):\n{output}");
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(bicep);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(bicep, mode | UnixFileMode.UserExecute);
            }
        }

        return bicep;
    }

    private static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}
