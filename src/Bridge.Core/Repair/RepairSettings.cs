namespace Bridge.Core.Repair;

/// <summary>The repair sweep's limits (docs/architecture.md#repair-sweep); the hosts bind them from <c>Repair</c>.</summary>
public sealed class RepairSettings
{
    /// <summary>A slot is looked at once its pending status is this old: by then its terminal event should have come.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An execution CodePipeline cannot find is given up on (error posted) once its slot is pending this long.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Slots read per sweep: bounds the ledger page, the CodePipeline calls and the GitHub posts of one sweep.</summary>
    public int MaxPerSweep { get; set; } = 100;
}
