using System.Globalization;
using System.Text;
using Bridge.Core.Handling;
using Bridge.Core.Text;

namespace Bridge.Core.Checks;

/// <summary>
/// A finished run's stages and actions (ListActionExecutions), read once per terminal event: a table with each action's
/// status and duration, and for a failed action its message and a link to its logs. Without them (the role may not
/// list actions, CodePipeline is down) the run is still written, with the summary it had.
/// </summary>
public static class CheckRunDetails
{
    /// <summary>At most this many actions are listed; a pipeline with more links to the console for the rest.</summary>
    public const int MaxRows = 100;

    public static async Task<CheckRun> AddAsync(CheckRun run, IPipelineActions pipelines, ExecutionRef execution, CancellationToken ct)
    {
        try
        {
            var actions = await pipelines.ListActionsAsync(execution, ct).ConfigureAwait(false);
            return actions.Count == 0 ? run : run with { Summary = Append(run.Summary, actions) };
        }
        catch (UpstreamException)
        {
            return run;
        }
    }

    internal static string Append(string summary, IReadOnlyList<ActionExecution> actions)
    {
        var text = new StringBuilder(summary, summary.Length + 200 * Math.Min(actions.Count, MaxRows));
        text.Append("\n### Stages and actions\n\n| stage | action | status | duration |\n|---|---|---|---|\n");
        foreach (var a in actions.Take(MaxRows))
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(a.Stage)} | {Cell(a.Action)} | {Cell(a.Status)} | {Duration(a)} |\n");
        if (actions.Count > MaxRows) text.Append(CultureInfo.InvariantCulture, $"\n{actions.Count - MaxRows} more actions: see the execution in the console.\n");
        foreach (var failed in actions.Where(a => a.Status == "Failed"))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n**{Cell(failed.Stage)} / {Cell(failed.Action)} failed**");
            if ((failed.Error ?? failed.Summary) is { Length: > 0 } why) text.Append(": ").Append(Cell(why));
            if (failed.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var link) && link.Scheme == Uri.UriSchemeHttps)
                text.Append(CultureInfo.InvariantCulture, $" ([logs]({link.AbsoluteUri.Replace(")", "%29", StringComparison.Ordinal)}))");
            text.Append('\n');
        }
        return text.Length <= CheckRunComposer.MaxSummary ? text.ToString() : text.ToString(0, CheckRunComposer.MaxSummary - 1) + "…";
    }

    private static string Duration(ActionExecution a) =>
        a is { Started: { } start, Updated: { } end } && end >= start
            ? (end - start).TotalMinutes >= 1 ? $"{(int)(end - start).TotalMinutes} min {(end - start).Seconds} s" : $"{(int)(end - start).TotalSeconds} s"
            : "";

    /// <summary>Text from AWS cannot open a cell or a link of its own (line breaks are already gone: the clip replaces control characters).</summary>
    private static string Cell(string value) => TextClip.Clip(value, 200).Replace("|", "\\|", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);
}
