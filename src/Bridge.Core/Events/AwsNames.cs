using System.Text.RegularExpressions;

namespace Bridge.Core.Events;

/// <summary>The shapes AWS allows for the names that end up in URLs we build and in requests we sign.</summary>
public static partial class AwsNames
{
    /// <summary>e.g. us-east-1, eu-central-1, us-gov-west-1, cn-north-1.</summary>
    public static bool IsRegion(string s) => RegionRegex().IsMatch(s);

    /// <summary>CodePipeline: [A-Za-z0-9.@\-_]+, at most 100 characters.</summary>
    public static bool IsPipelineName(string s) => PipelineRegex().IsMatch(s);

    /// <summary>Stage and action names have the pipeline name's shape: [A-Za-z0-9.@\-_]+, at most 100 characters.</summary>
    public static bool IsStageOrActionName(string s) => PipelineRegex().IsMatch(s);

    /// <summary>CodePipeline states are upper-case words (STARTED, SUCCEEDED, …; new ones may come): letters and '_', bounded.</summary>
    public static bool IsState(string s) => StateRegex().IsMatch(s);

    /// <summary>EventBridge event ids are UUIDs; accept any printable ASCII without spaces, bounded, so none can forge a log line.</summary>
    public static bool IsEventId(string s) => EventIdRegex().IsMatch(s);

    /// <summary>Execution ids are UUIDs; accept the same character set, bounded.</summary>
    public static bool IsExecutionId(string s) => ExecutionIdRegex().IsMatch(s);

    /// <summary>A 12-digit AWS account id.</summary>
    public static bool IsAccountId(string s) => AccountRegex().IsMatch(s);

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionRegex();

    [GeneratedRegex(@"^[A-Za-z0-9.@\-_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex PipelineRegex();

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExecutionIdRegex();

    [GeneratedRegex(@"^[\x21-\x7E]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex EventIdRegex();

    [GeneratedRegex("^[A-Za-z_]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex StateRegex();

    [GeneratedRegex("^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountRegex();
}
