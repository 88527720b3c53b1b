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
                foreach (var action in statement.Actions.Where(a => a != BridgeAction))
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
