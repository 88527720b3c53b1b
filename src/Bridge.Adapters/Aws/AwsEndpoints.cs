using Microsoft.Extensions.Configuration;

namespace Bridge.Adapters.Aws;

/// <summary>
/// The standard AWS endpoint overrides, read through .NET configuration (environment variables included):
/// <c>AWS_ENDPOINT_URL_{SERVICE}</c> first, then <c>AWS_ENDPOINT_URL</c>, then the service's public endpoint.
/// Read from configuration rather than the process environment so tests can point one host at loopback fakes.
/// </summary>
public sealed class AwsEndpoints(IConfiguration configuration)
{
    public Uri? Override(string serviceEnvName) =>
        Parse(configuration[$"AWS_ENDPOINT_URL_{serviceEnvName}"]) ?? Parse(configuration["AWS_ENDPOINT_URL"]);

    public Uri CodePipeline(string region) =>
        Override("CODEPIPELINE") ?? new Uri($"https://codepipeline.{region}.{DnsSuffix(region)}/");

    /// <summary>Region used for STS when no event region applies (AWS_REGION, else us-east-1).</summary>
    public string DefaultRegion => configuration["AWS_REGION"] ?? configuration["AWS_DEFAULT_REGION"] ?? "us-east-1";

    private static string DnsSuffix(string region) => region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    private static Uri? Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri
        : throw new InvalidOperationException($"AWS endpoint override '{value}' is not an absolute URL.");
}
