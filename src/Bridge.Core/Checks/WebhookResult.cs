namespace Bridge.Core.Checks;

/// <summary>What the webhook endpoint answers GitHub: the HTTP status, a word for logs and tests, and why.</summary>
public sealed record WebhookResult(int StatusCode, string Outcome, string Detail);
