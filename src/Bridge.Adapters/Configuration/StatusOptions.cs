namespace Bridge.Adapters.Configuration;

/// <summary>What the posted statuses look like. Section <c>Statuses</c>.</summary>
public sealed class StatusOptions
{
    public const string Section = "Statuses";

    /// <summary>The context prefix when none is configured.</summary>
    public const string DefaultContextPrefix = "codepipeline";

    /// <summary>Context is <c>{ContextPrefix}/{pipeline}</c> (and <c>/{stage}</c> for stage statuses).</summary>
    public string ContextPrefix { get; set; } = DefaultContextPrefix;

    /// <summary>Also post one status per stage (context <c>{prefix}/{pipeline}/{stage}</c>).</summary>
    public bool PostStageStatuses { get; set; }
}
