namespace Bridge.Adapters.Configuration;

/// <summary>The bridge's own settings. Section <c>Bridge</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>The key the Kestrel host expects in <c>x-functions-key</c>. The Functions host checks its own function keys instead.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>Every request finishes within this (EventBridge gives up after 5 s).</summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long to re-read an execution whose sources are not recorded yet before answering 503.</summary>
    public TimeSpan RevisionWaitBudget { get; set; } = TimeSpan.FromSeconds(1.5);
}
