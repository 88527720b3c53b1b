using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Bridge.Sandbox;

/// <summary>How a <see cref="LoopbackServer"/> listens, keeps time and records.</summary>
public sealed class LoopbackServerOptions
{
    /// <summary>Port on 127.0.0.1. 0 (the default) lets the OS pick a free one, so parallel tests never collide.</summary>
    public int Port { get; init; }

    /// <summary>When set, the server speaks HTTPS only, with this certificate (it must carry its private key).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Clock for timestamps, expirations and rate-limit windows. Tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Keep a copy of every request in <see cref="LoopbackServer.Requests"/>. On by default for tests;
    /// a long benchmark turns it off so memory stays flat (<see cref="LoopbackServer.RequestCount"/> still counts).
    /// </summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Logging of the embedded server. Null (the default) means no logging at all: a fake that logs every request would dominate a benchmark.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    internal static LoopbackServerOptions Default { get; } = new();
}
