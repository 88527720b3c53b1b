namespace Bridge.Adapters.KeyVault;

/// <summary>Local runs: the secret is in configuration (checked like a vault's value: trimmed, one clean line).</summary>
public sealed class ConfiguredSecret(string name, string value) : ISecretSource
{
    public string Name => name;
    public ValueTask<string> GetAsync(bool refresh, CancellationToken ct) => ValueTask.FromResult(SecretValue.Usable(name, value));
}
