namespace Bridge.Tests.Support;

/// <summary>
/// Prism serving GitHub's official OpenAPI description (npm @octokit/openapi): a request GitHub's description does not
/// allow gets a 4xx, so the bridge's status request is checked against GitHub's own contract.
/// </summary>
public sealed class PrismFixture : IAsyncLifetime
{
    private NodeTool? _prism;

    public Uri BaseAddress { get; private set; } = null!;

    public static string Spec => Path.Combine(TestEvents.RepoRoot, "tests", "tools", "node_modules", "@octokit", "openapi", "generated", "api.github.com.json");

    public async Task InitializeAsync()
    {
        _prism = await NodeTool.StartAsync("prism", port => $"mock \"{Spec}\" -h 127.0.0.1 -p {port} --errors",
            async (http, port) => (int)(await http.GetAsync($"http://127.0.0.1:{port}/rate_limit")).StatusCode > 0,
            TimeSpan.FromSeconds(120));
        BaseAddress = new Uri($"http://127.0.0.1:{_prism.Port}/");
    }

    public async Task DisposeAsync()
    {
        if (_prism is not null) await _prism.DisposeAsync();
    }
}
