using Bridge.Adapters.Configuration;
using Bridge.Adapters.KeyVault;
using Bridge.Core.Handling;

namespace Bridge.Adapters.GitHub;

/// <summary>One configured GitHub host with its credential and publisher.</summary>
/// <param name="Prefix">Its configuration prefix (GitHub, GitHub:Enterprise:0, …), for messages.</param>
/// <param name="Secret">The secret behind its credential: the token, or the app's private key.</param>
public sealed record GitHubHost(string Prefix, GitHubHostOptions Options, ISecretSource Secret, IGitHubTokenProvider Tokens, IStatusPublisher Publisher);
