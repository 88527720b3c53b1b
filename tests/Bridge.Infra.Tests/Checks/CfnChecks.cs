using System.Text.Json.Nodes;
using Bridge.Infra.Tests.Support;

namespace Bridge.Infra.Tests.Checks;

/// <summary>
/// Security checks over the CloudFormation template (long-form JSON shape, see <see cref="CloudFormationYaml"/>).
/// Each returns findings (empty = pass), so tests can also run it on a mutated copy.
/// </summary>
internal static class CfnChecks
{
    public const string BridgeAction = "codepipeline:GetPipelineExecution";

    /// <summary>
    /// What checks mode adds, each only under its own condition: reading an execution's actions (<c>WritesCheckRuns</c>),
    /// and GitHub's buttons (<c>RerunFromGitHub</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ConditionalBridgeActions = new Dictionary<string, string>
    {
        ["codepipeline:ListActionExecutions"] = "WritesCheckRuns",
        ["codepipeline:RetryStageExecution"] = "RerunFromGitHub",
        ["codepipeline:StartPipelineExecution"] = "RerunFromGitHub",
        ["codepipeline:GetPipelineState"] = "RerunFromGitHub",
    };
    public const string TargetAction = "events:InvokeApiDestination";

    /// <summary>No statement grants a wildcard action (<c>*</c>, <c>service:*</c>, <c>service:Get*</c>) or uses NotAction.</summary>
    public static IReadOnlyList<string> NoWildcardActions(JsonNode template)
    {
        var findings = new List<string>();
        foreach (var statement in Cfn.Statements(template))
        {
            foreach (var action in statement.Actions.Where(a => a.Contains('*', StringComparison.Ordinal)))
            {
                findings.Add($"{statement}: wildcard action \"{action}\"");
            }

            if (statement.Statement.ContainsKey("NotAction"))
            {
                findings.Add($"{statement}: NotAction grants everything else");
            }
        }

        return findings;
    }

    /// <summary>
    /// The bridge's role(s) (trusted by a web identity or a named AWS principal) may do
    /// codepipeline:GetPipelineExecution and nothing else, on pipeline ARNs of this account and region.
    /// </summary>
    public static IReadOnlyList<string> BridgeRoleReadsPipelineExecutionsOnly(JsonNode template)
    {
        var findings = new List<string>();
        var roles = BridgeRoles(template).ToList();
        if (roles.Count == 0)
        {
            findings.Add("no bridge role (a role trusted through sts:AssumeRoleWithWebIdentity or sts:AssumeRole by an AWS principal)");
        }

        foreach (var role in roles)
        {
            var statements = Cfn.PermissionStatements(template, role).ToList();
            if (!statements.Any(s => s.IsAllow && s.Actions.Contains(BridgeAction)))
            {
                findings.Add($"{role}: no statement allows {BridgeAction}");
            }

            foreach (var statement in statements)
            {
                // The read statement holds the read alone; checks mode's actions come in statements of their own (each
                // under its condition: CloudFormationTemplateTests.Checks_mode_actions_are_granted_only_under_their_condition).
                var reads = statement.Actions.Contains(BridgeAction);
                foreach (var action in statement.Actions.Where(a => a != BridgeAction && (reads || !ConditionalBridgeActions.ContainsKey(a))))
                {
                    findings.Add($"{statement}: the bridge role may only do {BridgeAction}, found \"{action}\"");
                }

                if (!statement.Statement.ContainsKey("Action"))
                {
                    findings.Add($"{statement}: no Action (NotAction?)");
                }

                foreach (var resource in ResourcesOf(statement.Statement))
                {
                    if (resource == "*")
                    {
                        findings.Add($"{statement}: Resource \"*\"; name the pipelines' ARNs");
                    }
                }

                if (!ResourceMentions(statement.Statement["Resource"], "codepipeline"))
                {
                    findings.Add($"{statement}: Resource is not a codepipeline ARN: {statement.Statement["Resource"]?.ToJsonString()}");
                }
            }

            foreach (var trust in Cfn.TrustStatements(template, role))
            {
                var web = trust.Actions.Contains("sts:AssumeRoleWithWebIdentity");
                var conditions = trust.Statement["Condition"]?["StringEquals"] as JsonObject;
                if (web && (conditions is null
                    || !conditions.Any(kv => kv.Key.EndsWith(":aud", StringComparison.Ordinal))
                    || !conditions.Any(kv => kv.Key.EndsWith(":sub", StringComparison.Ordinal))))
                {
                    findings.Add($"{trust}: web-identity trust must be conditioned on aud and sub");
                }

                if (!web && trust.Actions.Contains("sts:AssumeRole") && conditions?["sts:ExternalId"] is null)
                {
                    findings.Add($"{trust}: AWS principal trust must be conditioned on sts:ExternalId");
                }
            }
        }

        return findings;
    }

    /// <summary>The EventBridge target role may do events:InvokeApiDestination on this stack's API destination only.</summary>
    public static IReadOnlyList<string> TargetRoleInvokesApiDestinationOnly(JsonNode template)
    {
        var findings = new List<string>();
        var destinations = Cfn.OfType(template, "AWS::Events::ApiDestination").Select(r => r.LogicalId).ToHashSet();
        var roles = Cfn.OfType(template, "AWS::IAM::Role")
            .Where(r => Cfn.TrustStatements(template, r).Any(t => Cfn.Scalars(t.Statement["Principal"]?["Service"]).Contains("events.amazonaws.com")))
            .ToList();
        if (roles.Count == 0)
        {
            findings.Add("no role trusted by events.amazonaws.com");
        }

        foreach (var role in roles)
        {
            var statements = Cfn.PermissionStatements(template, role).ToList();
            if (statements.Count == 0)
            {
                findings.Add($"{role}: no permissions");
            }

            foreach (var statement in statements)
            {
                foreach (var action in statement.Actions.Where(a => a != TargetAction))
                {
                    findings.Add($"{statement}: the target role may only do {TargetAction}, found \"{action}\"");
                }

                var targets = Cfn.References(statement.Statement["Resource"]).ToList();
                if (targets.Count == 0 || targets.Any(t => !destinations.Contains(t)) || ResourcesOf(statement.Statement).Any())
                {
                    findings.Add($"{statement}: Resource must be this stack's API destination, found {statement.Statement["Resource"]?.ToJsonString()}");
                }
            }
        }

        return findings;
    }

    /// <summary>Every rule target has a role, a retry policy and a dead-letter queue of this stack.</summary>
    public static IReadOnlyList<string> RuleTargetsRetryAndDeadLetter(JsonNode template)
    {
        var findings = new List<string>();
        var queues = Cfn.OfType(template, "AWS::SQS::Queue").Select(q => q.LogicalId).ToHashSet();
        var rules = Cfn.OfType(template, "AWS::Events::Rule").ToList();
        if (rules.Count == 0)
        {
            findings.Add("no EventBridge rule");
        }

        foreach (var rule in rules)
        {
            if (rule.Properties?["Targets"] is not JsonArray { Count: > 0 } targets)
            {
                findings.Add($"{rule}: no targets");
                continue;
            }

            foreach (var target in targets.OfType<JsonObject>())
            {
                var id = Cfn.Scalars(target["Id"]).FirstOrDefault() ?? "?";
                if (target["RoleArn"] is null)
                {
                    findings.Add($"{rule} target {id}: no RoleArn");
                }

                var retry = target["RetryPolicy"] as JsonObject;
                if (retry?["MaximumEventAgeInSeconds"] is null || retry["MaximumRetryAttempts"] is null)
                {
                    findings.Add($"{rule} target {id}: RetryPolicy with MaximumEventAgeInSeconds and MaximumRetryAttempts is missing");
                }

                var deadLetter = Cfn.References(target["DeadLetterConfig"]?["Arn"]).ToList();
                if (deadLetter.Count == 0 || deadLetter.Any(q => !queues.Contains(q)))
                {
                    findings.Add($"{rule} target {id}: DeadLetterConfig must point to an SQS queue of this stack, found {target["DeadLetterConfig"]?.ToJsonString() ?? "none"}");
                }
            }
        }

        return findings;
    }

    /// <summary>
    /// Dead-letter queues accept messages from events.amazonaws.com only with <c>aws:SourceArn</c> equal
    /// to this stack's rule(s), and for sqs:SendMessage only.
    /// </summary>
    public static IReadOnlyList<string> DeadLetterQueuePolicyScopedToRules(JsonNode template)
    {
        var findings = new List<string>();
        var rules = Cfn.OfType(template, "AWS::Events::Rule").ToList();
        var ruleIds = rules.Select(r => r.LogicalId).ToHashSet();
        var deadLetterQueues = rules
            .SelectMany(r => (r.Properties?["Targets"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(t => Cfn.References(t["DeadLetterConfig"]?["Arn"]))
            .ToHashSet();

        foreach (var queue in deadLetterQueues)
        {
            var policies = Cfn.OfType(template, "AWS::SQS::QueuePolicy")
                .Where(p => Cfn.References(p.Properties?["Queues"]).Contains(queue))
                .ToList();
            if (policies.Count == 0)
            {
                findings.Add($"dead-letter queue {queue} has no queue policy (EventBridge cannot deliver to it)");
            }

            foreach (var policy in policies)
            {
                var statements = Cfn.Statements(template).Where(s => s.Owner.LogicalId == policy.LogicalId).ToList();
                foreach (var statement in statements)
                {
                    var fromEvents = Cfn.Scalars(statement.Statement["Principal"]?["Service"]).Contains("events.amazonaws.com");
                    if (!fromEvents)
                    {
                        findings.Add($"{statement}: principal is not events.amazonaws.com: {statement.Statement["Principal"]?.ToJsonString()}");
                        continue;
                    }

                    if (statement.Actions.Any(a => a != "sqs:SendMessage") || statement.Actions.Count == 0)
                    {
                        findings.Add($"{statement}: only sqs:SendMessage, found {string.Join(", ", statement.Actions)}");
                    }

                    var sourceArn = statement.Statement["Condition"]?["ArnEquals"]?["aws:SourceArn"];
                    var referenced = Cfn.References(sourceArn).ToList();
                    if (referenced.Count == 0 || referenced.Any(r => !ruleIds.Contains(r)))
                    {
                        findings.Add($"{statement}: must be conditioned on ArnEquals aws:SourceArn = this stack's rule, found {statement.Statement["Condition"]?.ToJsonString() ?? "no condition"}");
                    }
                }
            }
        }

        if (deadLetterQueues.Count == 0)
        {
            findings.Add("no dead-letter queue");
        }

        return findings;
    }

    /// <summary>A CloudWatch alarm fires when the dead-letter queue has visible messages.</summary>
    public static IReadOnlyList<string> DeadLetterQueueAlarmed(JsonNode template)
    {
        var findings = new List<string>();
        var queues = Cfn.OfType(template, "AWS::SQS::Queue").Select(q => q.LogicalId).ToList();
        foreach (var queue in queues)
        {
            var alarmed = Cfn.OfType(template, "AWS::CloudWatch::Alarm").Any(a =>
                Cfn.Scalars(a.Properties?["MetricName"]).Contains("ApproximateNumberOfMessagesVisible")
                && Cfn.Scalars(a.Properties?["ComparisonOperator"]).Contains("GreaterThanThreshold")
                && Cfn.Scalars(a.Properties?["Threshold"]).Contains("0")
                && (a.Properties?["Dimensions"] as JsonArray ?? []).OfType<JsonObject>()
                    .Any(d => Cfn.Scalars(d["Name"]).Contains("QueueName") && Cfn.References(d["Value"]).Contains(queue)));
            if (!alarmed)
            {
                findings.Add($"queue {queue}: no alarm on ApproximateNumberOfMessagesVisible > 0");
            }
        }

        return findings;
    }

    /// <summary>Every connection sends the Azure Functions key in <paramref name="header"/>.</summary>
    public static IReadOnlyList<string> ConnectionsSendFunctionKey(JsonNode template, string header)
    {
        var findings = new List<string>();
        var connections = Cfn.OfType(template, "AWS::Events::Connection").ToList();
        if (connections.Count == 0)
        {
            findings.Add("no EventBridge connection");
        }

        if (!connections.Any(c => c.Properties?["AuthParameters"]?["ApiKeyAuthParameters"] is not null))
        {
            findings.Add("no API key connection");
        }

        foreach (var connection in connections)
        {
            var auth = connection.Properties?["AuthParameters"];
            var apiKeyName = auth?["ApiKeyAuthParameters"]?["ApiKeyName"];
            var invocationHeaders = (auth?["InvocationHttpParameters"]?["HeaderParameters"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .SelectMany(h => Cfn.Scalars(h["Key"]))
                .ToList();
            if (apiKeyName is not null)
            {
                var names = Cfn.Scalars(apiKeyName).ToList();
                if (names.Count == 0 || names.Any(n => n != header))
                {
                    findings.Add($"{connection}: API key header is {apiKeyName.ToJsonString()}, expected {header}");
                }
            }
            else if (!invocationHeaders.Contains(header))
            {
                findings.Add($"{connection}: does not send the function key header {header}");
            }
        }

        return findings;
    }

    /// <summary>
    /// The Azure Functions key reaches the connection through a Secrets Manager dynamic reference,
    /// never as a parameter value (a parameter is typed on a command line and kept by the stack).
    /// </summary>
    public static IReadOnlyList<string> FunctionKeyFromSecretsManager(JsonNode template)
    {
        var findings = new List<string>();
        foreach (var connection in Cfn.OfType(template, "AWS::Events::Connection"))
        {
            var value = connection.Properties?["AuthParameters"]?["ApiKeyAuthParameters"]?["ApiKeyValue"];
            var text = value?.ToJsonString() ?? "";
            if (value is null || !text.Contains("{{resolve:secretsmanager:", StringComparison.Ordinal))
            {
                findings.Add($"{connection}: ApiKeyValue must be a {{{{resolve:secretsmanager:...}}}} dynamic reference, found {value?.ToJsonString() ?? "none"}");
            }

            if (value is not null && Cfn.References(value).Any())
            {
                findings.Add($"{connection}: ApiKeyValue takes the key from a parameter ({string.Join(", ", Cfn.References(value))})");
            }
        }

        return findings;
    }

    /// <summary>
    /// EventBridge only authenticates with what the function itself checks: an API key connection
    /// (the function key). An OAuth or basic connection would claim a validation that nothing on the
    /// Azure side performs unless the function app has App Service authentication (authsettingsV2).
    /// </summary>
    public static IReadOnlyList<string> ConnectionsAuthenticateWhatTheFunctionChecks(JsonNode cfn, JsonNode arm)
    {
        var findings = new List<string>();
        var appServiceAuth = Arm.Resources(arm).Any(r =>
            string.Equals(r.Type, "Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase)
            && r.Name.Contains("authsettingsV2", StringComparison.OrdinalIgnoreCase));
        foreach (var connection in Cfn.OfType(cfn, "AWS::Events::Connection"))
        {
            foreach (var type in Cfn.Scalars(connection.Properties?["AuthorizationType"]).Where(t => t != "API_KEY"))
            {
                if (!appServiceAuth)
                {
                    findings.Add($"{connection}: AuthorizationType {type}, but the function app has no App Service authentication (authsettingsV2) to validate it");
                }
            }
        }

        return findings;
    }

    /// <summary>
    /// No two roles share a RoleName, and a named role has no Condition: swapping conditional roles
    /// of one name on a stack update fails (the new one is created before the old one is deleted).
    /// </summary>
    public static IReadOnlyList<string> NamedRolesAreUnique(JsonNode template)
    {
        var findings = new List<string>();
        var named = Cfn.OfType(template, "AWS::IAM::Role")
            .Where(r => r.Properties?["RoleName"] is not null)
            .ToList();
        foreach (var group in named.GroupBy(r => r.Properties!["RoleName"]!.ToJsonString()).Where(g => g.Count() > 1))
        {
            findings.Add($"roles {string.Join(", ", group.Select(r => r.LogicalId))} share RoleName {group.Key}; use one role (Fn::If inside it)");
        }

        foreach (var role in named.Where(r => r.Resource["Condition"] is not null))
        {
            findings.Add($"{role}: a named role under Condition {role.Resource["Condition"]!.ToJsonString()}; a mode switch would replace it under the same name");
        }

        return findings;
    }

    /// <summary>
    /// The OIDC provider sends no thumbprint list (IAM retrieves it), and no placeholder thumbprint
    /// (all-f and the like) is anywhere in the template.
    /// </summary>
    public static IReadOnlyList<string> OidcProviderWithoutPlaceholderThumbprints(JsonNode template)
    {
        var findings = new List<string>();
        foreach (var provider in Cfn.OfType(template, "AWS::IAM::OIDCProvider"))
        {
            if (provider.Properties?["ThumbprintList"] is { } list)
            {
                findings.Add($"{provider}: ThumbprintList is set ({list.ToJsonString()}); leave it out, IAM retrieves the thumbprint");
            }
        }

        foreach (var placeholder in new[] { new string('f', 40), new string('F', 40), new string('0', 40) })
        {
            if (template.ToJsonString().Contains(placeholder, StringComparison.Ordinal))
            {
                findings.Add($"placeholder thumbprint {placeholder} in the template");
            }
        }

        return findings;
    }

    /// <summary>
    /// Each trust mode's parameters are refused empty by a Rule (before anything is created), and
    /// none of them carries a non-empty default that would stand in for the real value.
    /// </summary>
    public static IReadOnlyList<string> TrustModeParametersRequired(JsonNode template)
    {
        var findings = new List<string>();
        var required = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["EntraOidc"] = ["EntraTenantId", "EntraAudience", "ManagedIdentityPrincipalId"],
            ["AwsPrincipal"] = ["TrustedPrincipalArn", "ExternalId"],
        };
        foreach (var (mode, parameters) in required)
        {
            foreach (var parameter in parameters)
            {
                if (!RuleRefusesEmpty(template, "TrustMode", mode, parameter))
                {
                    findings.Add($"no Rule refuses an empty {parameter} when TrustMode={mode}");
                }

                var fallback = template["Parameters"]?[parameter]?["Default"];
                if (fallback is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0)
                {
                    findings.Add($"parameter {parameter} defaults to \"{text}\"; it must be given (no default, or an empty one the Rules refuse)");
                }
            }
        }

        return findings;
    }

    /// <summary>
    /// Every pipeline of the account only on an explicit AllPipelines=true: the bridge policy's and the
    /// rules' "all pipelines" branch hangs on that parameter (not on an empty PipelineNames), and a
    /// Rule refuses an empty PipelineNames otherwise.
    /// </summary>
    public static IReadOnlyList<string> EveryPipelineOnlyWhenAskedFor(JsonNode template)
    {
        var findings = new List<string>();
        var allPipelines = template["Parameters"]?["AllPipelines"];
        if (allPipelines is null)
        {
            findings.Add("no AllPipelines parameter");
        }
        else if (allPipelines["Default"]?.ToJsonString() != "\"false\"")
        {
            findings.Add($"AllPipelines defaults to {allPipelines["Default"]?.ToJsonString() ?? "nothing"}, expected \"false\"");
        }

        if (!RuleRefusesEmpty(template, "AllPipelines", "false", "PipelineNames"))
        {
            findings.Add("no Rule refuses an empty PipelineNames when AllPipelines=false");
        }

        // Conditions that select every pipeline: those guarding a rule without a pipeline filter, and
        // the one choosing the bridge policy's wildcard ARN.
        var conditions = template["Conditions"] as JsonObject ?? [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in Cfn.OfType(template, "AWS::Events::Rule"))
        {
            if (rule.Properties?["EventPattern"]?["detail"]?["pipeline"] is null)
            {
                if (rule.Resource["Condition"] is JsonValue c && c.TryGetValue<string>(out var name))
                {
                    used.Add(name);
                }
                else
                {
                    findings.Add($"{rule}: matches every pipeline unconditionally");
                }
            }
        }

        foreach (var role in BridgeRoles(template))
        {
            foreach (var statement in Cfn.PermissionStatements(template, role))
            {
                if (statement.Statement["Resource"] is JsonObject r && r["Fn::If"] is JsonArray { Count: 3 } branches
                    && branches[0] is JsonValue cv && cv.TryGetValue<string>(out var condition))
                {
                    used.Add(condition);
                }
            }
        }

        foreach (var name in used)
        {
            var definition = conditions[name]?.ToJsonString() ?? "";
            if (definition.Contains("PipelineNames", StringComparison.Ordinal) || !definition.Contains("{\"Ref\":\"AllPipelines\"}", StringComparison.Ordinal))
            {
                findings.Add($"condition {name} selects every pipeline but is {definition}; it must test AllPipelines = 'true' only");
            }
        }

        return findings;
    }

    /// <summary>
    /// A CloudWatch alarm on AWS/Events RetryInvocationAttempts per rule, sustained for at least 15
    /// minutes: EventBridge retries 401 (a wrong key) for up to 24 h before the dead-letter queue sees it.
    /// </summary>
    public static IReadOnlyList<string> RetriesAlarmed(JsonNode template)
    {
        var findings = new List<string>();
        var rules = Cfn.OfType(template, "AWS::Events::Rule").Select(r => r.LogicalId).ToList();
        var alarms = Cfn.OfType(template, "AWS::CloudWatch::Alarm")
            .Where(a => Cfn.Scalars(a.Properties?["Namespace"]).Contains("AWS/Events")
                && Cfn.Scalars(a.Properties?["MetricName"]).Contains("RetryInvocationAttempts"))
            .ToList();
        if (alarms.Count == 0)
        {
            findings.Add("no alarm on AWS/Events RetryInvocationAttempts");
        }

        foreach (var rule in rules)
        {
            if (!alarms.Any(a => (a.Properties?["Dimensions"] as JsonArray ?? []).OfType<JsonObject>()
                    .Any(d => Cfn.Scalars(d["Name"]).Contains("RuleName") && Cfn.References(d["Value"]).Contains(rule))))
            {
                findings.Add($"rule {rule}: no RetryInvocationAttempts alarm with dimension RuleName");
            }
        }

        foreach (var alarm in alarms)
        {
            var p = alarm.Properties!;
            var period = Number(p["Period"]);
            var evaluations = Number(p["EvaluationPeriods"]);
            var datapoints = p["DatapointsToAlarm"] is null ? evaluations : Number(p["DatapointsToAlarm"]);
            if (period is null || evaluations is null || datapoints is null || period * datapoints < 900 || datapoints > evaluations || period * evaluations > 3600)
            {
                findings.Add($"{alarm}: must stay in alarm for about 15 minutes (Period x DatapointsToAlarm >= 900 s, within an hour), found Period {Show(p["Period"])}, EvaluationPeriods {Show(p["EvaluationPeriods"])}, DatapointsToAlarm {Show(p["DatapointsToAlarm"])}");
            }

            if (!Cfn.Scalars(p["ComparisonOperator"]).Contains("GreaterThanThreshold") || !Cfn.Scalars(p["Threshold"]).Contains("0"))
            {
                findings.Add($"{alarm}: must fire on any retry (GreaterThanThreshold 0)");
            }

            if (!Cfn.Scalars(p["Statistic"]).Contains("Sum"))
            {
                findings.Add($"{alarm}: Statistic must be Sum, found {Show(p["Statistic"])}");
            }
        }

        return findings;

        static int? Number(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

        static string Show(JsonNode? node) => node?.ToJsonString() ?? "missing";
    }

    /// <summary>
    /// Whether a Rule with RuleCondition <c>Fn::Equals [Ref conditionParameter, value]</c> asserts
    /// <c>Fn::Not [Fn::Equals [Ref parameter, ""]]</c>.
    /// </summary>
    public static bool RuleRefusesEmpty(JsonNode template, string conditionParameter, string value, string parameter)
    {
        var condition = new JsonObject { ["Fn::Equals"] = new JsonArray(new JsonObject { ["Ref"] = conditionParameter }, value) };
        var conditionSwapped = new JsonObject { ["Fn::Equals"] = new JsonArray(value, new JsonObject { ["Ref"] = conditionParameter }) };
        var assertion = new JsonObject { ["Fn::Not"] = new JsonArray(new JsonObject { ["Fn::Equals"] = new JsonArray(new JsonObject { ["Ref"] = parameter }, "") }) };
        var assertionSwapped = new JsonObject { ["Fn::Not"] = new JsonArray(new JsonObject { ["Fn::Equals"] = new JsonArray("", new JsonObject { ["Ref"] = parameter }) }) };
        foreach (var (_, rule) in template["Rules"] as JsonObject ?? [])
        {
            var ruleCondition = rule?["RuleCondition"];
            if (!JsonNode.DeepEquals(ruleCondition, condition) && !JsonNode.DeepEquals(ruleCondition, conditionSwapped))
            {
                continue;
            }

            if ((rule?["Assertions"] as JsonArray ?? []).OfType<JsonObject>().Any(a =>
                    JsonNode.DeepEquals(a["Assert"], assertion) || JsonNode.DeepEquals(a["Assert"], assertionSwapped)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Roles trusted by a web identity, or by an AWS principal (not a service).</summary>
    public static IEnumerable<CfnResource> BridgeRoles(JsonNode template) =>
        Cfn.OfType(template, "AWS::IAM::Role").Where(role => Cfn.TrustStatements(template, role).Any(t =>
            t.Actions.Contains("sts:AssumeRoleWithWebIdentity")
            || (t.Actions.Contains("sts:AssumeRole") && t.Statement["Principal"]?["AWS"] is not null)));

    /// <summary>Literal resource strings of a statement (intrinsic functions are not literal).</summary>
    private static IEnumerable<string> ResourcesOf(JsonObject statement) => Cfn.Scalars(statement["Resource"]);

    private static bool ResourceMentions(JsonNode? resource, string service) =>
        resource is not null && resource.ToJsonString().Contains(service, StringComparison.Ordinal);
}
