namespace Bridge.Adapters.Configuration;

/// <summary>The bridge's own settings. Section <c>Bridge</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>The key the Kestrel host expects in <c>x-functions-key</c>. The Functions host checks its own function keys instead.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>
    /// Every request finishes within this (EventBridge gives up after 5 s). Every upstream timeout is derived from it
    /// (<see cref="Core.Handling.RequestBudget"/>).
    /// </summary>
    public TimeSpan RequestBudget { get; set; } = Core.Handling.RequestBudget.Default.Total;

    /// <summary>
    /// How long to re-read an execution whose sources are not recorded yet before answering 503.
    /// Unset: derived from <see cref="RequestBudget"/> (1.5 s of the default 4 s).
    /// </summary>
    public TimeSpan? RevisionWaitBudget { get; set; }
}
