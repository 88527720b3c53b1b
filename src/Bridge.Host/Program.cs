using Bridge.Host;

var app = BridgeApp.Build(args);
app.Run();
