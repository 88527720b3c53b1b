using Bridge.Host;
using Bridge.Host.Sandbox;

if (args.Contains(SandboxMode.Flag))
{
    await SandboxMode.RunAsync(args);
    return;
}

var app = BridgeApp.Build(args);
app.Run();
