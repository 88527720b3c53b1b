namespace Bridge.Adapters.KeyVault;

/// <summary>A secret the bridge needs (a GitHub token, an app's private key). Its value is never logged or echoed.</summary>
public interface ISecretSource
{
    /// <summary>What the secret is called in messages (its name, never its value).</summary>
    string Name { get; }

    /// <param name="refresh">True after GitHub refused what it was given: read the secret again (it may have been rotated).</param>
    ValueTask<string> GetAsync(bool refresh, CancellationToken ct);
}
