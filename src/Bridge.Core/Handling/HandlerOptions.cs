using Bridge.Core.Statuses;

namespace Bridge.Core.Handling;

/// <summary>The handler's switches; the defaults live where each rule does (<see cref="RequestBudget.Default"/>, <see cref="StatusComposer.DefaultContextPrefix"/>).</summary>
public sealed class HandlerOptions
{
    public RequestBudget Budget { get; set; } = RequestBudget.Default;

    /// <summary>Also post one status per stage (context <c>{prefix}/{pipeline}/{stage}</c>).</summary>
    public bool PostStageStatuses { get; set; }

    public string ContextPrefix { get; set; } = StatusComposer.DefaultContextPrefix;

    /// <summary>What a superseded execution leaves on its commit (default: error).</summary>
    public SupersededState SupersededState { get; set; }

    /// <summary>Rollback executions report on <c>{prefix}/{pipeline}/rollback</c>; they never touch the commit's own verdict.</summary>
    public bool PostRollbackStatuses { get; set; } = true;

    /// <summary>What to write to a GitHub web host: statuses (default), check runs, or both (<c>GitHub:Mode</c>).</summary>
    public Func<string, Checks.PublishMode> ModeFor { get; set; } = static _ => Checks.PublishMode.Statuses;

    /// <summary>Whether a pipeline's failed check runs offer GitHub's buttons (<c>Checks:AllowRerun</c>, <c>Checks:RerunPipelines</c>).</summary>
    public Func<string, bool> OfferButtons { get; set; } = static _ => false;
}
