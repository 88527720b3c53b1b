using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Host;

/// <summary>No credential ever reaches a log line (at any level, including SDK and HttpClient logs) or a response.</summary>
public sealed class SecretHygieneTests
{
    [Fact]
    public async Task No_secret_appears_in_any_log_or_response()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Settings["Logging:LogLevel:Default"] = "Trace";
        });
        h.SeedSampleExecutions();
        var bodies = new List<string>();
        async Task Send(Func<Task<HttpResponseMessage>> send) => bodies.Add(await (await send()).Content.ReadAsStringAsync());

        foreach (var sample in Directory.GetFiles(TestEvents.SamplesDirectory, "0*.json").Order())
            await Send(() => h.PostSampleAsync(Path.GetFileName(sample)));
        // Failures are where secrets tend to leak: into exception messages and error logs.
        h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        await Send(() => h.PostAsync(TestEvents.Pipeline("FAILED", pipeline: "worker", trigger: TestEvents.GitTrigger("0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9"))));
        h.GitHub.EnqueueFault(FakeGitHub.ServerError(500));
        h.KeyVault.SetFault(FakeKeyVault.ServiceUnavailable());
        await Send(() => h.PostAsync(TestEvents.Pipeline("STOPPED", pipeline: "worker", trigger: TestEvents.GitTrigger("0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9"))));
        await Send(() => h.PostAsync(TestEvents.Sample("01-web-app.github-v1.started.json"), key: "wrong"));

        var issued = h.Sts.Calls.Where(c => c.IssuedAccessKeyId is not null).Select(c => h.Sts.LookupIssued(c.IssuedAccessKeyId!)!).ToList();
        Assert.NotEmpty(issued);
        string[] secrets =
        [
            TestSecrets.GitHubToken, TestSecrets.FunctionKey, TestSecrets.BaseSecretAccessKey, TestSecrets.KeyVaultAccessToken,
            .. issued.Select(s => s.SecretAccessKey), .. issued.Select(s => s.SessionToken!),
        ];
        var logs = h.AllLogText();
        Assert.True(logs.Length > 1000, "the run should have logged plenty");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.All(bodies, b => Assert.DoesNotContain(secret, b));
        }
    }
}
