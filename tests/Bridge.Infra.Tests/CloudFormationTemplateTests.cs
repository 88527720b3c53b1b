using Bridge.Infra.Tests.Checks;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests;

/// <summary>aws-eventbridge/bridge.yaml.</summary>
public sealed class CloudFormationTemplateTests
{
    [Fact]
    public void No_policy_statement_grants_a_wildcard_action() =>
        Assert.Empty(CfnChecks.NoWildcardActions(Templates.Bridge));

    [Fact]
    public void Bridge_role_may_only_read_pipeline_executions() =>
        Assert.Empty(CfnChecks.BridgeRoleReadsPipelineExecutionsOnly(Templates.Bridge));

    [Fact]
    public void Checks_mode_actions_are_granted_only_under_their_condition()
    {
        // Each extra action lives in a policy resource that exists only under its condition; the read policy has none.
        var resources = Templates.Bridge["Resources"]!.AsObject();
        foreach (var (action, condition) in CfnChecks.ConditionalBridgeActions)
        {
            var granting = resources.Where(r => (string?)r.Value!["Type"] == "AWS::IAM::Policy" && r.Value!["Properties"]!["PolicyDocument"]!.ToJsonString().Contains($"\"{action}\"", StringComparison.Ordinal)).ToList();
            var policy = Assert.Single(granting);
            Assert.True((string?)policy.Value!["Condition"] == condition, $"{action} is granted by {policy.Key}, which must have Condition {condition}");
        }
        var read = resources["BridgeRolePolicy"]!;
        Assert.Null(read["Condition"]);
        Assert.DoesNotContain(CfnChecks.ConditionalBridgeActions.Keys, a => read.ToJsonString().Contains(a, StringComparison.Ordinal));
    }

    [Fact]
    public void Both_trust_modes_have_a_bridge_role()
    {
        var roles = CfnChecks.BridgeRoles(Templates.Bridge).ToList();
        var trustActions = roles.SelectMany(r => Cfn.TrustStatements(Templates.Bridge, r)).SelectMany(s => s.Actions).ToHashSet();
        Assert.Contains("sts:AssumeRoleWithWebIdentity", trustActions);
        Assert.Contains("sts:AssumeRole", trustActions);
    }

    [Fact]
    public void Target_role_may_only_invoke_the_API_destination() =>
        Assert.Empty(CfnChecks.TargetRoleInvokesApiDestinationOnly(Templates.Bridge));

    [Fact]
    public void Rule_targets_have_a_retry_policy_and_a_dead_letter_queue() =>
        Assert.Empty(CfnChecks.RuleTargetsRetryAndDeadLetter(Templates.Bridge));

    [Fact]
    public void Dead_letter_queue_accepts_only_this_stacks_rule() =>
        Assert.Empty(CfnChecks.DeadLetterQueuePolicyScopedToRules(Templates.Bridge));

    [Fact]
    public void Dead_letter_queue_has_an_alarm() =>
        Assert.Empty(CfnChecks.DeadLetterQueueAlarmed(Templates.Bridge));

    [Fact]
    public void Connections_send_the_Azure_Functions_key_header() =>
        Assert.Empty(CfnChecks.ConnectionsSendFunctionKey(Templates.Bridge, Templates.FunctionKeyHeader));

    [Fact]
    public void Retry_defaults_are_EventBridges_maximum()
    {
        var parameters = Templates.Bridge["Parameters"]!;
        Assert.Equal("86400", parameters["MaximumEventAgeInSeconds"]!["Default"]!.GetValue<string>());
        Assert.Equal("185", parameters["MaximumRetryAttempts"]!["Default"]!.GetValue<string>());
    }

    [Fact]
    public void Function_key_comes_from_Secrets_Manager_not_a_parameter() =>
        Assert.Empty(CfnChecks.FunctionKeyFromSecretsManager(Templates.Bridge));

    [Fact]
    public void Connections_authenticate_only_with_what_the_function_checks() =>
        Assert.Empty(CfnChecks.ConnectionsAuthenticateWhatTheFunctionChecks(Templates.Bridge, Templates.Arm));

    [Fact]
    public void The_bridge_role_is_one_role_whatever_the_trust_mode() =>
        Assert.Empty(CfnChecks.NamedRolesAreUnique(Templates.Bridge));

    [Fact]
    public void The_OIDC_provider_has_no_placeholder_thumbprint() =>
        Assert.Empty(CfnChecks.OidcProviderWithoutPlaceholderThumbprints(Templates.Bridge));

    [Fact]
    public void Rules_refuse_incomplete_trust_parameters() =>
        Assert.Empty(CfnChecks.TrustModeParametersRequired(Templates.Bridge));

    [Fact]
    public void Every_pipeline_only_with_AllPipelines_true() =>
        Assert.Empty(CfnChecks.EveryPipelineOnlyWhenAskedFor(Templates.Bridge));

    [Fact]
    public void Retries_going_on_for_15_minutes_raise_an_alarm() =>
        Assert.Empty(CfnChecks.RetriesAlarmed(Templates.Bridge));

    [Fact]
    public void Rules_match_CodePipeline_execution_state_changes()
    {
        var rules = Cfn.OfType(Templates.Bridge, "AWS::Events::Rule").ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var pattern = rule.Properties!["EventPattern"]!;
            Assert.Equal(["aws.codepipeline"], Cfn.Scalars(pattern["source"]));
            var detailTypes = Cfn.Scalars(pattern["detail-type"]).ToHashSet();
            Assert.Contains("CodePipeline Pipeline Execution State Change", detailTypes);
            Assert.Contains("CodePipeline Stage Execution State Change", detailTypes); // behind SendStageEvents
            Assert.Equal(
                ["CANCELED", "FAILED", "RESUMED", "STARTED", "STOPPED", "SUCCEEDED", "SUPERSEDED"],
                Cfn.Scalars(pattern["detail"]!["state"]).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Short_form_tags_load_in_long_form()
    {
        var template = CloudFormationYaml.Parse("""
            A: !Ref X
            B: !GetAtt Res.Arn
            C: !Sub 'arn:${AWS::Partition}'
            D: !If [Cond, !Ref Y, !Ref AWS::NoValue]
            E: !Condition Other
            F: !Select [0, !Split [',', !Join ['', [a, b]]]]
            G: !Not [!Equals [!Ref Z, '']]
            """);
        Assert.Equal("""{"Ref":"X"}""", template["A"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["Res","Arn"]}""", template["B"]!.ToJsonString());
        Assert.Equal("""{"Fn::Sub":"arn:${AWS::Partition}"}""", template["C"]!.ToJsonString());
        Assert.Equal("""{"Fn::If":["Cond",{"Ref":"Y"},{"Ref":"AWS::NoValue"}]}""", template["D"]!.ToJsonString());
        Assert.Equal("""{"Condition":"Other"}""", template["E"]!.ToJsonString());
        Assert.Equal("""{"Fn::Select":["0",{"Fn::Split":[",",{"Fn::Join":["",["a","b"]]}]}]}""", template["F"]!.ToJsonString());
        Assert.Equal("""{"Fn::Not":[{"Fn::Equals":[{"Ref":"Z"},""]}]}""", template["G"]!.ToJsonString());
    }
}
