using System.Text;
using System.Text.Json.Nodes;
using Bridge.Core.Events;
using Bridge.Tests.Support;

namespace Bridge.Tests.Core.Events;

public class EventParserTests
{
    [Fact]
    public void Reads_a_pipeline_event_with_its_trigger()
    {
        var e = EventParser.Parse(TestEvents.Sample("05-worker.v2-trigger.failed.json")).Event!;
        Assert.Equal(EventLevel.Pipeline, e.Level);
        Assert.Equal("worker", e.Pipeline);
        Assert.Equal("5a7e3b21-9c4d-4e8f-a1b2-c3d4e5f60703", e.ExecutionId);
        Assert.Equal("FAILED", e.State);
        Assert.Equal("eu-west-1", e.Region);
        Assert.Equal("111122223333", e.Account);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 18, 40, 250, TimeSpan.Zero), e.StartTime);
        Assert.Equal(1, e.Attempt);
        Assert.Equal("0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9", e.Trigger!.CommitId);
        Assert.Equal("octo-org/worker", e.Trigger.FullRepositoryName);
        Assert.Equal("GitHub", e.Trigger.ProviderType);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("1.0", 1)]
    [InlineData("16.0", 16)]
    [InlineData("\"1\"", 1)]
    [InlineData("\"2.0\"", 2)]
    [InlineData("\"abc\"", null)]
    [InlineData("1.5", null)]
    [InlineData("null", null)]
    public void Reads_counters_leniently(string literal, int? expected)
    {
        var json = TestEvents.Pipeline("STARTED").ToJsonString().Replace("\"pipeline-execution-attempt\":1", $"\"pipeline-execution-attempt\":{literal}");
        Assert.Contains(literal, json);
        var result = EventParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(result.Problem);
        Assert.Equal(expected, result.Event!.Attempt);
    }

    [Fact]
    public void Ignores_unknown_fields_and_accepts_a_string_version()
    {
        var node = TestEvents.Pipeline("FAILED");
        node["detail"]!["version"] = "1";
        node["detail"]!["something-new"] = new JsonObject { ["x"] = 1 };
        node["replay-name"] = "r1";
        Assert.NotNull(EventParser.Parse(node.Bytes()).Event);
    }

    [Theory]
    [InlineData("CodePipeline Stage Execution State Change", EventLevel.Stage)]
    [InlineData("CodePipeline Action Execution State Change", EventLevel.Action)]
    public void Knows_the_three_detail_types(string detailType, EventLevel level) =>
        Assert.Equal(level, EventParser.Parse(TestEvents.Pipeline("STARTED", detailType: detailType).Bytes()).Event!.Level);

    public static TheoryData<string, Action<JsonObject>, string> BadInputs => new()
    {
        { "source", n => n["source"] = "aws.codebuild", "'source' is 'aws.codebuild'" },
        { "no source", n => n.Remove("source"), "'source' is missing" },
        { "detail-type", n => n["detail-type"] = "CodeBuild Build State Change", "'detail-type' 'CodeBuild Build State Change'" },
        { "no pipeline", n => n["detail"]!.AsObject().Remove("pipeline"), "'detail.pipeline' is missing" },
        { "no execution id", n => n["detail"]!.AsObject().Remove("execution-id"), "'detail.execution-id' is missing" },
        { "no state", n => n["detail"]!.AsObject().Remove("state"), "'detail.state' is missing" },
        { "no region", n => n.Remove("region"), "'region' is missing" },
        { "bad region", n => n["region"] = "../../etc", "'region' '../../etc' is not an AWS region name" },
        { "no detail", n => n.Remove("detail"), "'detail' is missing or not an object" },
        { "detail not object", n => n["detail"] = "x", "'detail' is missing or not an object" },
        { "bad time", n => n["time"] = "yesterday", "'time' 'yesterday' is not an ISO 8601 timestamp" },
        { "no id", n => n.Remove("id"), "'id' is missing" },
        { "pipeline name with slash", n => n["detail"]!["pipeline"] = "a/b", "'detail.pipeline' 'a/b' is not a valid pipeline name" },
        { "state a number", n => n["detail"]!["state"] = 3, "'detail.state' is missing" },
        { "stage with a newline", n => n["detail"]!["stage"] = "Build\nnow", "'detail.stage'" },
        { "stage with a bidi override", n => n["detail"]!["stage"] = "Build\u202Eevil", "'detail.stage'" },
        { "stage with NUL", n => n["detail"]!["stage"] = "Build\u0000", "'detail.stage'" },
        { "stage of 5,114 characters", n => n["detail"]!["stage"] = new string('s', 5_114), "'detail.stage'" },
        { "action with a slash", n => n["detail"]!["action"] = "a/b", "'detail.action'" },
        { "id with CR", n => n["id"] = "abc\rFORGED LOG LINE", "'id'" },
        { "id of 200 KB", n => n["id"] = new string('i', 200_000), "'id'" },
    };

    /// <summary>
    /// The processed form CodeStar Notifications sends (notification rules → SNS, Chatbot), as the CodePipeline user
    /// guide's "Monitoring CodePipeline events" page shows it: detailType, no id, additionalAttributes.failedStage.
    /// </summary>
    private static JsonObject NotificationForm() => JsonNode.Parse("""
        {
          "account": "111122223333",
          "detailType": "CodePipeline Pipeline Execution State Change",
          "region": "eu-west-1",
          "source": "aws.codepipeline",
          "time": "2026-11-26T09:05:00Z",
          "notificationRuleArn": "arn:aws:codestar-notifications:eu-west-1:111122223333:notificationrule/0123456789abcdef",
          "detail": {
            "pipeline": "web-app",
            "execution-id": "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01",
            "start-time": "2026-11-26T09:00:00Z",
            "state": "FAILED",
            "version": 1.0,
            "pipeline-execution-attempt": 1.0
          },
          "resources": ["arn:aws:codepipeline:eu-west-1:111122223333:web-app"],
          "additionalAttributes": { "failedActionCount": 1, "failedActions": [{ "action": "Deploy", "additionalInformation": "Deployment failed" }], "failedStage": "Deploy" }
        }
        """)!.AsObject();

    [Fact]
    public void The_notification_rule_form_is_read_like_the_raw_event()
    {
        var e = EventParser.Parse(NotificationForm().Bytes()).Event!;
        Assert.Equal((EventLevel.Pipeline, "web-app", "FAILED", "Deploy"), (e.Level, e.Pipeline, e.State, e.FailedStage));
        Assert.True(AwsNames.IsEventId(e.Id), e.Id);
        Assert.StartsWith("notification-8c1d6a0e", e.Id);
    }

    [Fact]
    public void A_notification_whose_failed_stage_is_not_a_stage_name_names_none()
    {
        var node = NotificationForm();
        node["additionalAttributes"]!["failedStage"] = "Deploy\nFORGED";
        Assert.Null(EventParser.Parse(node.Bytes()).Event!.FailedStage);
    }

    [Fact]
    public void A_stage_retry_time_orders_the_event_and_a_malformed_one_is_refused()
    {
        var e = TestEvents.Pipeline("RESUMED", stage: "Build", detailType: "CodePipeline Stage Execution State Change",
            time: new DateTimeOffset(2026, 11, 26, 16, 20, 7, TimeSpan.Zero));
        e["detail"]!["stage-last-retry-attempt-time"] = "2026-11-26T16:20:07.305Z";
        var parsed = EventParser.Parse(e.Bytes()).Event!;
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 16, 20, 7, 305, TimeSpan.Zero), parsed.OrderTime);

        e["detail"]!["stage-last-retry-attempt-time"] = "yesterday";
        Assert.Contains("'detail.stage-last-retry-attempt-time' 'yesterday' is not an ISO 8601 timestamp", EventParser.Parse(e.Bytes()).Problem!.Detail);
    }

    [Fact]
    public void A_state_that_could_forge_a_log_line_is_refused()
    {
        var node = TestEvents.Pipeline("STARTED");
        node["detail"]!["state"] = "STARTED\r\nFORGED";
        Assert.Contains("'detail.state'", EventParser.Parse(node.Bytes()).Problem!.Detail);
    }

    [Fact]
    public void Echoed_values_carry_no_control_or_bidi_characters()
    {
        var node = TestEvents.Pipeline("STARTED");
        node["region"] = "eu\r\nFORGED\u202E\u0000";
        var detail = EventParser.Parse(node.Bytes()).Problem!.Detail;
        Assert.DoesNotContain(detail, c => char.IsControl(c) || c is '\u202E');
    }

    [Fact]
    public void Accepts_the_stage_and_action_names_AWS_allows()
    {
        var node = TestEvents.Pipeline("STARTED");
        node["detail"]!["stage"] = "Deploy-Prod_1.a@b";
        node["detail"]!["action"] = "Approve";
        Assert.NotNull(EventParser.Parse(node.Bytes()).Event);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Says_exactly_what_is_wrong(string _, Action<JsonObject> breakIt, string expected)
    {
        var node = TestEvents.Pipeline("STARTED");
        breakIt(node);
        var result = EventParser.Parse(node.Bytes());
        Assert.Null(result.Event);
        Assert.Contains(expected, result.Problem!.Detail);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"source\": \"aws.codepipeline\"", "not valid JSON")]
    public void Rejects_what_is_not_an_envelope(string body, string expected) =>
        Assert.Contains(expected, EventParser.Parse(Encoding.UTF8.GetBytes(body)).Problem!.Detail);

    [Fact]
    public void Does_not_echo_huge_values()
    {
        var node = TestEvents.Pipeline("STARTED");
        node["source"] = new string('x', 10_000);
        Assert.True(EventParser.Parse(node.Bytes()).Problem!.Detail.Length < 200);
    }

    [Fact]
    public void Normalises_state_case() =>
        Assert.Equal("SUCCEEDED", EventParser.Parse(TestEvents.Pipeline("succeeded").Bytes()).Event!.State);
}
