using Bridge.Core.Events;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;

namespace Bridge.Tests.Core.Statuses;

public class StatusComposerTests
{
    [Theory]
    [InlineData("STARTED", CommitState.Pending, "Pipeline web-app is running")]
    [InlineData("RESUMED", CommitState.Pending, "Pipeline web-app is running")]
    [InlineData("SUCCEEDED", CommitState.Success, "Pipeline web-app succeeded")]
    [InlineData("FAILED", CommitState.Failure, "Pipeline web-app failed")]
    [InlineData("STOPPED", CommitState.Error, "Pipeline web-app stopped")]
    [InlineData("CANCELED", CommitState.Error, "Pipeline web-app canceled (pipeline updated)")]
    [InlineData("SUPERSEDED", CommitState.Error, "Pipeline web-app superseded by a newer execution")]
    public void Maps_every_pipeline_state(string state, CommitState expected, string description)
    {
        var e = Event(state);
        var status = new StatusComposer().ForPipeline(e, StateTable.ForPipeline(state)!);
        Assert.Equal(expected, status.State);
        Assert.Equal(description, status.Description);
        Assert.Equal("codepipeline/web-app", status.Context);
    }

    [Theory]
    [InlineData("STOPPING")]
    [InlineData("PAUSED")]
    [InlineData("")]
    public void Posts_nothing_for_transitional_or_unknown_states(string state) => Assert.Null(StateTable.ForPipeline(state));

    [Fact]
    public void Stages_have_no_superseded() => Assert.Null(StateTable.ForStage("SUPERSEDED"));

    [Fact]
    public void Names_the_failed_stage_when_known() =>
        Assert.Equal("Pipeline web-app failed in stage Deploy",
            new StatusComposer().ForPipeline(Event("FAILED"), StateTable.ForPipeline("FAILED")!, "Deploy").Description);

    [Fact]
    public void Links_the_execution_timeline()
    {
        var status = new StatusComposer("ci").ForPipeline(Event("STARTED"), StateTable.ForPipeline("STARTED")!);
        Assert.Equal("https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web-app/executions/8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01/timeline?region=eu-west-1", status.TargetUrl);
        Assert.Equal("ci/web-app", status.Context);
    }

    [Fact]
    public void Stage_statuses_get_their_own_context()
    {
        var e = Event("FAILED") with { Level = EventLevel.Stage, Stage = "Build" };
        var status = new StatusComposer().ForStage(e, StateTable.ForStage("FAILED")!);
        Assert.Equal("codepipeline/web-app/Build", status.Context);
        Assert.Equal(CommitState.Failure, status.State);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(140, 140)]
    [InlineData(141, 140)]
    [InlineData(500, 140)]
    public void Truncates_descriptions_to_140_characters(int length, int expected)
    {
        var text = StatusComposer.Truncate(new string('a', length));
        Assert.Equal(expected, text.Length);
        Assert.Equal(length > 140, text.EndsWith('…'));
    }

    [Fact]
    public void A_long_pipeline_name_still_gives_a_valid_description()
    {
        var e = Event("SUPERSEDED") with { Pipeline = new string('p', 100) };
        Assert.Equal(140, new StatusComposer().ForPipeline(e, StateTable.ForPipeline("SUPERSEDED")!).Description.Length);
    }

    private static CodePipelineEvent Event(string state) => EventParser.Parse(TestEvents.Pipeline(state).Bytes()).Event!;

    [Fact]
    public void An_execution_without_an_event_gets_the_same_statuses_as_its_events()
    {
        var e = new Bridge.Core.Events.CodePipelineEvent("id", Bridge.Core.Events.EventLevel.Pipeline, "111122223333", "eu-west-1", default, "web-app", "exec-1", "FAILED", null, 1, "Deploy", null, null);
        var x = new Bridge.Core.Handling.ExecutionRef("111122223333", "eu-west-1", "web-app", "exec-1");
        var composer = new StatusComposer("ci");
        var failed = StateTable.ForPipeline("FAILED")!;

        Assert.Equal(composer.ForPipeline(e, failed), composer.ForPipeline(x, failed));
        Assert.Equal(composer.ForRollback(e, failed), composer.ForRollback(x, failed));
        Assert.Equal(composer.ForStage(e, failed), composer.ForStage(x, "Deploy", failed));
        Assert.Equal(new CommitStatus(CommitState.Error, "ci/web-app/Deploy", "Stage Deploy of web-app: the pipeline ended (Failed) before the stage reported", StatusComposer.TargetUrl(e)),
            composer.StageNeverReported(x, "Deploy", "Failed"));
        Assert.Equal(new CommitStatus(CommitState.Error, "ci/web-app", "Pipeline web-app: the result was never received", StatusComposer.TargetUrl(e)),
            StatusComposer.NeverReceived(x, "ci/web-app"));
    }
}
