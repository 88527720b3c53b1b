using Bridge.Adapters.Configuration;
using Bridge.Adapters.KeyVault;

namespace Bridge.Adapters.GitHub;

/// <summary>One configured GitHub host with its credential and publisher.</summary>
/// <param name="Prefix">Its configuration prefix (GitHub, GitHub:Enterprise:0, …), for messages.</param>
/// <param name="Secret">The secret behind its credential: the token, or the app's private key.</param>
/// <param name="Publisher">Writes its statuses and, for a GitHub App, its check runs.</param>
public sealed record GitHubHost(string Prefix, GitHubHostOptions Options, ISecretSource Secret, IGitHubTokenProvider Tokens, OctokitStatusPublisher Publisher);
