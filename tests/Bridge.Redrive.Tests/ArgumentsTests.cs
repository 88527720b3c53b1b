namespace Bridge.Redrive.Tests;

/// <summary>The command line, in process: what is refused and why, and where the key and the region come from.</summary>
public sealed class ArgumentsTests
{
    private const string Queue = "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq";

    private static Parsed Parse(IReadOnlyDictionary<string, string> env, params string[] args) =>
        Arguments.Parse(args, name => env.GetValueOrDefault(name));

    private static readonly Dictionary<string, string> WithKey = new() { [Arguments.KeyVariable] = "k3y" };

    [Theory]
    [InlineData("https://bridge.example.com/api/codepipeline-events", true)]
    [InlineData("http://127.0.0.1:7071/api/codepipeline-events", true)]
    [InlineData("http://localhost:7071/api/codepipeline-events", true)]
    [InlineData("http://[::1]:7071/api/codepipeline-events", true)]
    [InlineData("http://10.0.0.5/api/codepipeline-events", false)]
    [InlineData("http://bridge.example.com/api/codepipeline-events", false)]
    [InlineData("https://user:pass@bridge.example.com/api/codepipeline-events", false)]
    [InlineData("https://bridge.example.com/api/codepipeline-events?code=k3y", false)]
    [InlineData("/api/codepipeline-events", false)]
    public void Https_is_required_except_for_a_loopback_address(string endpoint, bool accepted)
    {
        var parsed = Parse(WithKey, "--queue-url", Queue, "--endpoint", endpoint);
        Assert.Equal(accepted, parsed.Options is not null);
    }

    [Fact]
    public void The_region_comes_from_the_queue_url_unless_given()
    {
        Assert.Equal("eu-west-1", Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/").Options!.Region);
        Assert.Equal("us-east-2", Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "--region", "us-east-2").Options!.Region);
    }

    [Fact]
    public void The_key_file_wins_over_the_variable_and_is_trimmed()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  from-file\r\n");
            var parsed = Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "--key-file", file);
            Assert.Equal("from-file", parsed.Options!.FunctionKey);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_a_key_only_a_dry_run_is_allowed()
    {
        var none = new Dictionary<string, string>();
        Assert.Contains(Arguments.KeyVariable, Parse(none, "--queue-url", Queue, "--endpoint", "https://b.example.com/").Error, StringComparison.Ordinal);
        Assert.NotNull(Parse(none, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "--dry-run").Options);
    }

    [Fact]
    public void A_stray_argument_is_not_echoed_it_may_be_a_key()
    {
        var parsed = Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "s3cr3t-value");
        Assert.DoesNotContain("s3cr3t-value", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_timeout_must_be_shorter_than_the_visibility_timeout()
    {
        Assert.Null(Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "--visibility-timeout", "30", "--timeout", "30").Options);
        Assert.NotNull(Parse(WithKey, "--queue-url", Queue, "--endpoint", "https://b.example.com/", "--visibility-timeout", "30", "--timeout", "20").Options);
    }
}
