using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Bridge.Redrive;

/// <summary>
/// The run: receive a batch (each message hidden for the visibility timeout so the next receive moves on), post each
/// body to the bridge, delete only after a 2xx. Whatever is left is made visible again when the run ends (at once, or
/// after the bridge's Retry-After), so a second run finds exactly what the first one left. The bridge's ledger makes a
/// replayed event post nothing twice, so a message posted but not deleted is harmless to send again.
/// </summary>
internal sealed class Redriver(IAmazonSQS sqs, HttpClient http, RedriveOptions options, Output output, TimeProvider clock)
{
    /// <summary>The longest SQS lets a message stay hidden (12 hours).</summary>
    private const int MaxVisibilitySeconds = 43_200;

    private readonly Dictionary<string, Pending> _left = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _read, _deleted;
    private string? _stop;
    private bool _unreachable;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var queue = options.QueueUrl.ToString();
        try
        {
            output.Say($"redrive: queue {queue}{await WaitingAsync(queue, ct).ConfigureAwait(false)}");
            output.Say(options.DryRun ? "redrive: dry run: nothing is sent, nothing deleted" : $"redrive: endpoint {options.Endpoint}");
            while (_stop is null && (options.Max is not { } max || _read < max))
            {
                var want = Math.Min(10, options.Max is { } m ? m - _read : 10);
                var batch = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = queue,
                    MaxNumberOfMessages = want,
                    // Long polling asks every SQS server, so an empty answer means an empty queue, not an unlucky sample.
                    WaitTimeSeconds = 1,
                    VisibilityTimeout = options.VisibilityTimeoutSeconds,
                    MessageAttributeNames = ["All"],
                    MessageSystemAttributeNames = ["ApproximateReceiveCount", "SentTimestamp"],
                }, ct).ConfigureAwait(false);

                var messages = batch.Messages ?? [];
                if (messages.Count == 0) break;

                var fresh = 0;
                foreach (var message in messages)
                {
                    if (!_seen.Add(message.MessageId))
                    {
                        // Back after its visibility ran out: not sent twice in one run; keep the newest receipt handle.
                        if (_left.TryGetValue(message.MessageId, out var earlier)) _left[message.MessageId] = earlier with { ReceiptHandle = message.ReceiptHandle };
                        continue;
                    }
                    fresh++;
                    _read++;
                    await HandleAsync(queue, message, ct).ConfigureAwait(false);
                }
                if (fresh == 0) break;
            }
        }
        catch (QueueDoesNotExistException)
        {
            return Fail($"the queue {queue} does not exist (or is in another region than {sqs.Config.RegionEndpoint?.SystemName ?? "the one configured"})");
        }
        catch (AmazonServiceException e) when (_read == 0)
        {
            return Fail($"cannot read the queue: {e.ErrorCode} ({(int)e.StatusCode}): {e.Message}");
        }
        catch (AmazonServiceException e)
        {
            _stop = $"reading the queue failed: {e.ErrorCode}: {e.Message}";
            output.Say("redrive: " + _stop);
        }
        catch (AmazonClientException e)
        {
            return Fail($"cannot reach SQS: {e.Message}");
        }
        finally
        {
            await ReleaseAsync(queue).ConfigureAwait(false);
        }

        output.Say(Summary());
        if (_stop is not null) return 1;
        return options.DryRun || _left.Count == 0 ? 0 : 1;
    }

    private async Task HandleAsync(string queue, Message message, CancellationToken ct)
    {
        var what = $"[{_read}] {DeadLetter.Describe(message)}";
        if (options.DryRun)
        {
            output.Say($"{what} — dry run: not sent");
            _left[message.MessageId] = new Pending(message.ReceiptHandle, "dry run", null);
            return;
        }
        if (_stop is not null)
        {
            output.Say($"{what} — not sent: {_stop}");
            _left[message.MessageId] = new Pending(message.ReceiptHandle, "not sent", null);
            return;
        }

        BridgeAnswer answer;
        try
        {
            answer = await PostAsync(message.Body ?? "", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            var why = e is TaskCanceledException ? $"no answer within {options.RequestTimeout.TotalSeconds:0} s" : e.Message;
            _stop = "endpoint unreachable";
            _unreachable = true;
            output.Say($"{what} → endpoint unreachable: {why} — left");
            _left[message.MessageId] = new Pending(message.ReceiptHandle, $"endpoint unreachable: {why}", null);
            return;
        }

        if (answer.Accepted)
        {
            try
            {
                await sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queue, ReceiptHandle = message.ReceiptHandle }, ct).ConfigureAwait(false);
                _deleted++;
                output.Say($"{what} → {answer.Describe()} — deleted");
            }
            catch (AmazonSQSException e)
            {
                // Posted but still queued: a later run sends it again, and the bridge's ledger answers "duplicate".
                output.Say($"{what} → {answer.Describe()} — but the delete failed ({e.ErrorCode}): left");
                _left[message.MessageId] = new Pending(message.ReceiptHandle, $"{answer.Status} accepted, delete failed: {e.ErrorCode}", null);
            }
            return;
        }

        var hideFor = answer.TryLater ? answer.RetryAfter : null;
        output.Say($"{what} → {answer.Describe()} — left{(hideFor is { } h ? $", visible again in {Seconds(h)} s" : "")}");
        _left[message.MessageId] = new Pending(message.ReceiptHandle, answer.Describe(), hideFor);
        if (answer.KeyRefused) _stop = $"the bridge refused the key ({answer.Status}); check {Arguments.KeyVariable} or --key-file";
        else if (answer.Status == 429) _stop = "the bridge asked to slow down (429)";
    }

    private async Task<BridgeAnswer> PostAsync(string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-functions-key", options.FunctionKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        return await BridgeAnswer.ReadAsync(response, clock.GetUtcNow(), timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Make every message left visible again: at once, or when the bridge's Retry-After says to try again.</summary>
    private async Task ReleaseAsync(string queue)
    {
        foreach (var (id, pending) in _left)
        {
            var seconds = pending.HideFor is { } wait ? Math.Min(MaxVisibilitySeconds, Seconds(wait)) : 0;
            try
            {
                // Not cancellable: a run stopped with Ctrl+C still gives its messages back.
                await sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest
                {
                    QueueUrl = queue,
                    ReceiptHandle = pending.ReceiptHandle,
                    VisibilityTimeout = seconds,
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonServiceException e)
            {
                output.Say($"redrive: message {id} stays hidden until its visibility timeout runs out ({e.ErrorCode})");
            }
        }
    }

    private async Task<string> WaitingAsync(string queue, CancellationToken ct)
    {
        try
        {
            var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
            {
                QueueUrl = queue,
                AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            }, ct).ConfigureAwait(false);
            return $" (about {attributes.ApproximateNumberOfMessages} waiting, {attributes.ApproximateNumberOfMessagesNotVisible} in flight)";
        }
        catch (QueueDoesNotExistException)
        {
            throw;
        }
        catch (AmazonServiceException)
        {
            return ""; // Only a progress hint: receiving is what matters.
        }
    }

    private string Summary()
    {
        var text = new StringBuilder($"redrive: {_read} read, ");
        if (options.DryRun)
            return text.Append(CultureInfo.InvariantCulture, $"dry run: 0 sent, 0 deleted, {_left.Count} visible again").ToString();
        text.Append(CultureInfo.InvariantCulture, $"{_deleted} redriven and deleted, {_left.Count} left");
        if (_left.Count > 0)
        {
            var reasons = _left.Values.GroupBy(p => p.Reason)
                .Select(g => g.Count() > 1 ? $"{g.Count()}× {g.Key}" : g.Key);
            text.Append(" (").AppendJoin("; ", reasons).Append(')');
        }
        if (_stop is not null) text.Append(CultureInfo.InvariantCulture, $"; stopped: {_stop}");
        if (_unreachable) text.Append(CultureInfo.InvariantCulture, $"; is {options.Endpoint.GetLeftPart(UriPartial.Authority)} reachable from here?");
        return text.ToString();
    }

    private int Fail(string message)
    {
        output.Error("redrive: " + message);
        return 1;
    }

    private static int Seconds(TimeSpan t) => (int)Math.Ceiling(Math.Max(0, t.TotalSeconds));

    private sealed record Pending(string ReceiptHandle, string Reason, TimeSpan? HideFor);
}
