namespace Bridge.Adapters.Configuration;

/// <summary>The vault that holds the GitHub credential. Section <c>KeyVault</c>. Unset: the token comes from configuration.</summary>
public sealed class KeyVaultOptions
{
    public const string Section = "KeyVault";

    /// <summary>e.g. https://my-vault.vault.azure.net/</summary>
    public Uri? VaultUri { get; set; }
}
