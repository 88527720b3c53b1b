using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Bridge.Redrive.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Redrive.Tests;

/// <summary>The fake holds to SQS where the tool depends on it, checked with the real SDK and with raw HTTP.</summary>
public sealed class SqsFakeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private SqsFake _sqs = null!;
    private AmazonSQSClient _client = null!;

    public async Task InitializeAsync()
    {
        _sqs = await SqsFake.StartAsync(_clock);
        _sqs.CreateQueue(DeadLetters.QueueUrl);
        _client = new AmazonSQSClient(new BasicAWSCredentials(SqsFake.AccessKeyId, SqsFake.SecretAccessKey),
            new AmazonSQSConfig { ServiceURL = _sqs.Url.ToString(), AuthenticationRegion = "eu-west-1", MaxErrorRetry = 0 });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sqs.DisposeAsync();
    }

    [Fact]
    public async Task An_unsigned_request_is_refused_with_the_missing_token_error()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _sqs.Url)
        {
            Content = new StringContent($$"""{"QueueUrl":"{{DeadLetters.QueueUrl}}"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "AmazonSQS.ReceiveMessage");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("com.amazon.coral.service#MissingAuthenticationTokenException", (string?)body["__type"]);
        Assert.Empty(_sqs.Calls);
    }

    [Fact]
    public async Task An_unknown_queue_reaches_the_SDK_as_QueueDoesNotExist()
    {
        var e = await Assert.ThrowsAsync<QueueDoesNotExistException>(() =>
            _client.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = DeadLetters.QueueUrl + "-missing" }));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", e.ErrorCode);
    }

    [Fact]
    public async Task Each_receive_hands_out_a_new_handle_and_a_stale_one_deletes_nothing()
    {
        _sqs.Add(DeadLetters.QueueUrl, DeadLetters.Event("evt-1"), DeadLetters.Attributes());
        var first = Assert.Single((await Receive(visibility: 30)).Messages);
        Assert.Empty((await Receive(visibility: 30)).Messages ?? []); // hidden while in flight

        _clock.Advance(TimeSpan.FromSeconds(31));
        var second = Assert.Single((await Receive(visibility: 30)).Messages);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal("2", second.Attributes["ApproximateReceiveCount"]);

        await _client.DeleteMessageAsync(DeadLetters.QueueUrl, first.ReceiptHandle); // succeeds...
        Assert.Single(_sqs.Bodies(DeadLetters.QueueUrl));                            // ...and deletes nothing
        await Assert.ThrowsAsync<MessageNotInflightException>(() => _client.ChangeMessageVisibilityAsync(DeadLetters.QueueUrl, first.ReceiptHandle, 0));

        await _client.DeleteMessageAsync(DeadLetters.QueueUrl, second.ReceiptHandle);
        Assert.Empty(_sqs.Bodies(DeadLetters.QueueUrl));
        var invalid = await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => _client.DeleteMessageAsync(DeadLetters.QueueUrl, "not-a-handle"));
        Assert.Equal("ReceiptHandleIsInvalid", invalid.ErrorCode);
    }

    [Fact]
    public async Task Attributes_and_digests_pass_the_SDKs_own_MD5_check()
    {
        _sqs.Add(DeadLetters.QueueUrl, DeadLetters.Event("evt-1"), DeadLetters.Attributes());

        var message = Assert.Single((await Receive(visibility: 30)).Messages);

        Assert.Equal("SDK_CLIENT_ERROR", message.MessageAttributes["ERROR_CODE"].StringValue);
        Assert.Equal("185", message.MessageAttributes["RETRY_ATTEMPTS"].StringValue);
        Assert.Contains("\"evt-1\"", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visibility_set_back_to_zero_makes_a_message_receivable_at_once()
    {
        _sqs.Add(DeadLetters.QueueUrl, DeadLetters.Event("evt-1"));
        var message = Assert.Single((await Receive(visibility: 300)).Messages);

        await _client.ChangeMessageVisibilityAsync(DeadLetters.QueueUrl, message.ReceiptHandle, 0);

        Assert.Single((await Receive(visibility: 300)).Messages);
    }

    [Fact]
    public void The_attribute_digest_matches_a_published_vector()
    {
        // From the aws-md5-of-message-attributes package's documentation: one String attribute.
        Assert.Equal("19e27d4e946b072f3f58da80d94fd778",
            SqsFake.Md5OfStringAttributes(new Dictionary<string, string> { ["attribName1"] = "attribValue 1" }));
    }

    private Task<ReceiveMessageResponse> Receive(int visibility) => _client.ReceiveMessageAsync(new ReceiveMessageRequest
    {
        QueueUrl = DeadLetters.QueueUrl,
        MaxNumberOfMessages = 10,
        VisibilityTimeout = visibility,
        MessageAttributeNames = ["All"],
        MessageSystemAttributeNames = ["All"],
    });
}
