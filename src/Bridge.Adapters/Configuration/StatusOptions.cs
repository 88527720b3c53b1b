using Bridge.Core.Statuses;

namespace Bridge.Adapters.Configuration;

/// <summary>What the posted statuses look like. Section <c>Statuses</c>.</summary>
public sealed class StatusOptions
{
    public const string Section = "Statuses";

    /// <summary>Context is <c>{ContextPrefix}/{pipeline}</c> (and <c>/{stage}</c> for stage statuses).</summary>
    public string ContextPrefix { get; set; } = StatusComposer.DefaultContextPrefix;

    /// <summary>Also post one status per stage (context <c>{prefix}/{pipeline}/{stage}</c>).</summary>
    public bool PostStageStatuses { get; set; }

    /// <summary>What a superseded execution leaves on its commit: Error (default), Pending, Success or None.</summary>
    public SupersededState SupersededState { get; set; }

    /// <summary>Rollback executions report on <c>{prefix}/{pipeline}/rollback</c> (default on); off, they post nothing.</summary>
    public bool PostRollbackStatuses { get; set; } = true;
}
