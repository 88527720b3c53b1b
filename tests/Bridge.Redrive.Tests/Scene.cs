using Bridge.Redrive.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Redrive.Tests;

/// <summary>One test's world: a fake SQS with the dead-letter queue, the bridge stub, and a clock only the test moves.</summary>
public sealed class Scene : IAsyncDisposable
{
    public const string Key = "fk-7Qz9Lm2Xv4Rp8Ws1Ty6Un3Ok0Ji5Hg";

    private Scene(FakeTimeProvider clock, SqsFake sqs, BridgeStub bridge)
    {
        Clock = clock;
        Sqs = sqs;
        Bridge = bridge;
    }

    public FakeTimeProvider Clock { get; }
    public SqsFake Sqs { get; }
    public BridgeStub Bridge { get; }
    public string Queue => DeadLetters.QueueUrl;

    public static async Task<Scene> StartAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var sqs = await SqsFake.StartAsync(clock);
        sqs.CreateQueue(DeadLetters.QueueUrl);
        var bridge = await BridgeStub.StartAsync(Key);
        return new Scene(clock, sqs, bridge);
    }

    /// <summary>Dead-letters an event with the given id and scripts the bridge's answer to it.</summary>
    public void DeadLetter(string eventId, Answer? answer = null)
    {
        Sqs.Add(Queue, DeadLetters.Event(eventId), DeadLetters.Attributes());
        if (answer is not null) Bridge.Answer(eventId, answer);
    }

    public Task<RedriveProcess.Result> RedriveAsync(params string[] extra) => RedriveWithAsync(new Dictionary<string, string?> { ["BRIDGE_FUNCTION_KEY"] = Key }, extra);

    public Task<RedriveProcess.Result> RedriveWithAsync(IReadOnlyDictionary<string, string?> environment, params string[] extra) =>
        RedriveProcess.RunAsync(Sqs.Url, environment, ["--queue-url", Queue, "--endpoint", Bridge.Endpoint.ToString(), .. extra]);

    public async ValueTask DisposeAsync()
    {
        await Sqs.DisposeAsync();
        await Bridge.DisposeAsync();
    }
}
