using Bridge.Sandbox;

namespace Bridge.Tests.Support;

/// <summary>Secrets the tests hand to the bridge, so they can check none of them ever leaks.</summary>
public static class TestSecrets
{
    public const string FunctionKey = "fk-3b1f0a7c9d2e4f6a8b0c1d2e3f4a5b6c";
    public const string GitHubToken = "ghp_TESTTOKENa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";
    public const string RotatedGitHubToken = "ghp_ROTATEDz9y8x7w6v5u4t3s2r1q0p9o8n7m6l5k4";
    public const string BaseAccessKeyId = "AKIABASEEXAMPLE00001";
    public const string BaseSecretAccessKey = "base/SECRET+key/for/the/bridge/tests0000";
    /// <summary>The Entra token the loopback bridge presents to the fake Key Vault.</summary>
    public const string KeyVaultAccessToken = LoopbackTokenCredential.Token;
}
