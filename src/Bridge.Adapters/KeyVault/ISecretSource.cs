namespace Bridge.Adapters.KeyVault;

/// <summary>A secret the bridge needs (a GitHub token, an app's private key). Its value is never logged or echoed.</summary>
/// <remarks>
/// Implementations hand out only usable values (<see cref="SecretValue.Usable"/>) and fail only with
/// <see cref="Core.Handling.UpstreamException"/>, whose message names the secret and never holds its value.
/// </remarks>
public interface ISecretSource
{
    /// <summary>What the secret is called in messages (its name, never its value).</summary>
    string Name { get; }

    /// <param name="refresh">True after GitHub refused what it was given: read the secret again (it may have been rotated).</param>
    ValueTask<string> GetAsync(bool refresh, CancellationToken ct);

    /// <summary>Reads the secret from its source now, with no cached value to fall back on: what the deep health check asks.</summary>
    ValueTask<string> ReadThroughAsync(CancellationToken ct) => GetAsync(true, ct);
}
