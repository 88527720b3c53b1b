namespace Bridge.Adapters.Configuration;

/// <summary>Where the ordering ledger lives. Section <c>Ledger</c>. Neither URI nor connection string: in memory (one instance only).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>Table endpoint for identity-based access, e.g. https://{account}.table.core.windows.net</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Connection string (Azurite, or where identity is not available).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table name when none is configured.</summary>
    public const string DefaultTableName = "statusledger";

    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// True when the deployment created the table (the Bicep template sets <c>Ledger__TableProvisioned=true</c>): the
    /// bridge then never tries to create it, which a table-scoped role may be refused. False: created on first use.
    /// </summary>
    public bool TableProvisioned { get; set; }

    /// <summary>Rows not written for this many days are removed by the daily clean-up (the Functions app's LedgerCleanup).</summary>
    public int RetentionDays { get; set; } = 30;
}
