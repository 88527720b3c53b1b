namespace Bridge.Redrive;

/// <summary>What one run was asked to do; the key is held here and nowhere is it printed.</summary>
internal sealed record RedriveOptions(
    Uri QueueUrl,
    Uri Endpoint,
    string? Region,
    string? FunctionKey,
    bool DryRun,
    int? Max,
    int VisibilityTimeoutSeconds,
    TimeSpan RequestTimeout);
