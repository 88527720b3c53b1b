namespace Bridge.Adapters.Configuration;

/// <summary>
/// The repair sweep (docs/architecture.md#repair-sweep): closes commit statuses left pending because an execution's
/// terminal event never arrived. Section <c>Repair</c>.
/// </summary>
public sealed class RepairOptions
{
    public const string Section = "Repair";

    /// <summary>Run the sweep (default on). Off: nothing is swept; a dropped terminal event leaves its commit pending.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often to sweep (default 5 min; whole minutes, 1 min to 1 day). The Functions app's timer fires every minute
    /// (Flex Consumption takes CRON schedules only) and sweeps on the minutes that are a multiple of this since the epoch.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Look at a slot once its pending status is this old (default 15 min, at least 1 min).</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Slots read per sweep (default 100, 1 to 1,000, Table Storage's largest page).</summary>
    public int MaxPerSweep { get; set; } = 100;

    /// <summary>Post error "the result was never received" once CodePipeline has not known the execution for this long (default 24 h, at least After).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
}
