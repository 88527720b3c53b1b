using Bridge.Sandbox;

namespace Bridge.Host.Sandbox;

/// <summary>
/// The settings that point the bridge at the loopback fakes instead of AWS and GitHub: the same standard keys a real
/// deployment uses (GitHub API base, AWS_ENDPOINT_URL_*). Shared by the sandbox, the tests and the benchmark.
/// </summary>
public static class LoopbackWiring
{
    public static Dictionary<string, string?> Settings(FakeGitHub github, FakeCodePipeline codePipeline, FakeSts sts, string region) => new()
    {
        ["GitHub:ApiBaseUrl"] = github.ApiAddress.ToString(),
        // Revisions name github.com; the fake answers for it on 127.0.0.1.
        ["GitHub:Host"] = "github.com",
        ["AWS_ENDPOINT_URL_CODEPIPELINE"] = codePipeline.BaseAddress.ToString(),
        ["AWS_ENDPOINT_URL_STS"] = sts.BaseAddress.ToString(),
        ["AWS_REGION"] = region,
    };
}
