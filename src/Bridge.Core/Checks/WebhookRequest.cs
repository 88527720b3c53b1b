namespace Bridge.Core.Checks;

/// <summary>A GitHub webhook delivery as the host received it: the headers that matter and the raw body the signature covers.</summary>
public sealed record WebhookRequest(string? Event, string? Delivery, string? Signature, ReadOnlyMemory<byte> Body);
