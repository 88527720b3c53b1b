using System.Globalization;

namespace Bridge.Redrive;

/// <summary>
/// Reads the command line. The function key comes from <c>BRIDGE_FUNCTION_KEY</c> or <c>--key-file</c> only: a key on
/// the command line is readable by every user of the machine (the process list) and stays in shell history.
/// </summary>
internal static class Arguments
{
    public const string KeyVariable = "BRIDGE_FUNCTION_KEY";

    public const string Usage = """
        usage: redrive --queue-url URL --endpoint URL [options]

        Sends each event in the EventBridge rule's dead-letter queue back to the bridge and deletes a message only
        after the bridge answered 2xx. Messages the bridge did not accept stay in the queue, visible again.

          --queue-url URL            the dead-letter queue (stack output DeadLetterQueueUrl)
          --endpoint URL             https://HOST/api/codepipeline-events (http only for a loopback address)
          --region REGION            the queue's region (default: from the queue URL, else AWS_REGION / profile)
          --key-file PATH            file holding the function key (default: the BRIDGE_FUNCTION_KEY variable)
          --dry-run                  read and print the messages; send nothing, delete nothing
          --max N                    read at most N messages
          --visibility-timeout SEC   how long a message read stays hidden while this run handles it (default 300)
          --timeout SEC              how long to wait for the bridge's answer to one event (default 100)
          -h, --help                 this text

        The key is never taken on the command line (--key is refused): set BRIDGE_FUNCTION_KEY or use --key-file.
        AWS credentials come from the default chain (environment, profile, SSO, instance role).
        Exit code: 0 everything read was redriven (or --dry-run), 1 some messages were left, 2 usage error.
        """;

    private static readonly HashSet<string> RefusedKeyOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "--key", "-k", "--function-key", "--functions-key", "--x-functions-key", "--code",
    };

    public static Parsed Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? queueUrl = null, endpoint = null, region = null, keyFile = null, max = null, visibility = null, timeout = null;
        var dryRun = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var name = eq > 0 ? arg[..eq] : arg;
            var inline = eq > 0 ? arg[(eq + 1)..] : null;

            if (RefusedKeyOptions.Contains(name))
                return Parsed.Fail(
                    $"{name} is refused: a key on the command line is visible to every user in the process list and stays in " +
                    $"shell history. Set {KeyVariable} or pass --key-file PATH (a file only you can read).");
            if (name is "-h" or "--help") return Parsed.Help();
            if (name == "--dry-run")
            {
                if (inline is not null) return Parsed.Fail("--dry-run takes no value");
                dryRun = true;
                continue;
            }

            if (name is not ("--queue-url" or "--endpoint" or "--region" or "--key-file" or "--max" or "--visibility-timeout" or "--timeout"))
                return Parsed.Fail(name.StartsWith('-')
                    ? $"unknown option {Printable(name)}"
                    : $"unexpected argument #{i + 1} (arguments that are not options are not echoed)");

            string value;
            if (inline is not null) value = inline;
            else if (i + 1 < args.Count) value = args[++i];
            else return Parsed.Fail($"{name} needs a value");
            if (value.Length == 0) return Parsed.Fail($"{name} needs a value");

            switch (name)
            {
                case "--queue-url": queueUrl = value; break;
                case "--endpoint": endpoint = value; break;
                case "--region": region = value; break;
                case "--key-file": keyFile = value; break;
                case "--max": max = value; break;
                case "--visibility-timeout": visibility = value; break;
                case "--timeout": timeout = value; break;
            }
        }

        if (queueUrl is null) return Parsed.Fail("--queue-url is required");
        if (endpoint is null) return Parsed.Fail("--endpoint is required");

        if (!Uri.TryCreate(queueUrl, UriKind.Absolute, out var queue) || queue.Scheme is not ("https" or "http"))
            return Parsed.Fail("--queue-url must be the queue's URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME");

        if (EndpointProblem(endpoint, out var target) is { } problem) return Parsed.Fail(problem);

        int? maxCount = null;
        if (max is not null)
        {
            if (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < 1)
                return Parsed.Fail("--max must be a whole number of at least 1");
            maxCount = m;
        }

        var visibilitySeconds = 300;
        // SQS accepts 0 to 43,200 seconds (12 hours); below 10 a slow answer would let the message reappear mid-run.
        if (visibility is not null && (!int.TryParse(visibility, NumberStyles.None, CultureInfo.InvariantCulture, out visibilitySeconds)
                                       || visibilitySeconds is < 10 or > 43_200))
            return Parsed.Fail("--visibility-timeout must be between 10 and 43200 seconds");

        var timeoutSeconds = 100;
        if (timeout is not null && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out timeoutSeconds)
                                    || timeoutSeconds is < 1 or > 600))
            return Parsed.Fail("--timeout must be between 1 and 600 seconds");
        if (timeoutSeconds >= visibilitySeconds)
            return Parsed.Fail("--timeout must be shorter than --visibility-timeout, or a message could reappear while it is being sent");

        region ??= RegionOf(queue) ?? NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION"));

        string? key = null;
        if (keyFile is not null)
        {
            try
            {
                key = File.ReadAllText(keyFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Parsed.Fail($"--key-file: cannot read the file ({e.GetType().Name})");
            }
            if (key.Length == 0) return Parsed.Fail("--key-file: the file is empty");
        }
        else if (NonEmpty(environment(KeyVariable)) is { } fromEnvironment)
        {
            key = fromEnvironment.Trim();
        }

        if (key is not null && key.Any(char.IsControl))
            return Parsed.Fail("the function key has a control character (a line break inside the file?): it cannot go into a header");
        if (key is null && !dryRun)
            return Parsed.Fail($"no function key: set {KeyVariable} or pass --key-file PATH");

        return Parsed.Ok(new RedriveOptions(queue, target!, region, key, dryRun, maxCount, visibilitySeconds, TimeSpan.FromSeconds(timeoutSeconds)));
    }

    /// <summary>Why the endpoint is refused, or null: https, or http to a loopback address only, and no key in it.</summary>
    internal static string? EndpointProblem(string endpoint, out Uri? target)
    {
        target = null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "--endpoint must be an absolute URL: https://HOST/api/codepipeline-events";
        if (uri.Scheme == "http" && !uri.IsLoopback)
            return "--endpoint must use https: the function key would cross the network in clear text (http is allowed for a loopback address only)";
        if (uri.UserInfo.Length > 0)
            return "--endpoint must not carry a user or password";
        if (uri.Query.Contains("code=", StringComparison.OrdinalIgnoreCase))
            return $"--endpoint must not carry the key (?code=): set {KeyVariable} or pass --key-file PATH";
        target = uri;
        return null;
    }

    /// <summary>The region in a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name.</summary>
    internal static string? RegionOf(Uri queue)
    {
        var labels = queue.Host.Split('.');
        if (labels.Length >= 4 && labels[0] == "sqs" && labels[2] == "amazonaws") return labels[1];
        if (labels.Length >= 4 && labels[1] == "queue" && labels[2] == "amazonaws") return labels[0];
        return null;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string Printable(string s)
    {
        var clean = new string(s.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return clean.Length < s.Length ? clean + "…" : clean;
    }
}

internal sealed record Parsed(RedriveOptions? Options, string? Error, bool WantsHelp)
{
    public static Parsed Ok(RedriveOptions options) => new(options, null, false);
    public static Parsed Fail(string error) => new(null, error, false);
    public static Parsed Help() => new(null, null, true);
}
