namespace Bridge.Infra.Tests.Support;

/// <summary>Locations in the repository, found by walking up from the test binaries.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string BicepDirectory => Path.Combine(Root, "infra-bicep");

    public static string MainBicep => Path.Combine(BicepDirectory, "main.bicep");

    public static string MainBicepParam => Path.Combine(BicepDirectory, "main.bicepparam");

    /// <summary>Where tests/tools/validate-templates.sh writes the compiled template (git-ignored).</summary>
    public static string CompiledArmDirectory => Path.Combine(Root, "artifacts", "arm");

    public static string CompiledMainJson => Path.Combine(CompiledArmDirectory, "main.json");

    public static string BridgeCloudFormation => Path.Combine(Root, "aws-eventbridge", "bridge.yaml");

    public static string Readme => Path.Combine(Root, "README.md");

    public static string DeployGuide => Path.Combine(Root, "docs", "deploy.md");

    public static string BicepToolProject => Path.Combine(Root, "tests", "tools", "bicep", "bicep.csproj");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))
                && Directory.Exists(Path.Combine(dir.FullName, "infra-bicep")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Repository root not found above {AppContext.BaseDirectory}.");
    }
}
