using System.Text.Json.Nodes;
using Bridge.Adapters.Configuration;
using Bridge.Adapters.Http;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests;

/// <summary>The templates under test, loaded once; tests that mutate them take a copy.</summary>
internal static class Templates
{
    private static readonly Lazy<JsonObject> LazyBridge = new(() => CloudFormationYaml.Load(RepoPaths.BridgeCloudFormation));

    private static readonly Lazy<OptionsCatalog> LazyCatalog = new(() => new OptionsCatalog([typeof(AwsOptions).Assembly, typeof(Bridge.Core.Checks.RerunOptions).Assembly]));

    /// <summary>infra-bicep/main.bicep compiled to ARM JSON (read-only: DeepClone before mutating).</summary>
    public static JsonNode Arm => BicepCompiler.MainTemplate;

    /// <summary>aws-eventbridge/bridge.yaml in long form (read-only: DeepClone before mutating).</summary>
    public static JsonObject Bridge => LazyBridge.Value;

    /// <summary>The bridge's options classes (Bridge.Adapters types with a public const Section).</summary>
    public static OptionsCatalog Options => LazyCatalog.Value;

    /// <summary>
    /// The header EventBridge's API key connection must send: the Azure Functions key header
    /// (AuthorizationLevel.Function), as the code names it.
    /// </summary>
    public const string FunctionKeyHeader = BridgeHttp.FunctionKeyHeader;
}
