namespace Bridge.Sandbox;

/// <summary>How a <see cref="LoopbackServer"/> keeps time and records. It listens on 127.0.0.1 at a port the OS picks, so parallel tests never collide, and never logs.</summary>
public sealed class LoopbackServerOptions
{
    /// <summary>Clock for timestamps, expirations and rate-limit windows. Tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Keep a copy of every request in <see cref="LoopbackServer.Requests"/>. On by default for tests;
    /// a long benchmark turns it off so memory stays flat (<see cref="LoopbackServer.RequestCount"/> still counts).
    /// </summary>
    public bool RecordRequests { get; init; } = true;

    internal static LoopbackServerOptions Default { get; } = new();
}
