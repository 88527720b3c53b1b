using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bridge.Infra.Tests.Support;

/// <summary>A resource of a CloudFormation template (long-form JSON shape).</summary>
internal sealed record CfnResource(string LogicalId, JsonObject Resource)
{
    public string Type => Resource["Type"]?.GetValue<string>() ?? "";

    public JsonObject? Properties => Resource["Properties"] as JsonObject;

    public override string ToString() => $"{LogicalId} ({Type})";
}

/// <summary>An IAM policy statement and where it was found.</summary>
internal sealed record PolicyStatement(CfnResource Owner, string Where, JsonObject Statement)
{
    public bool IsAllow => Cfn.Scalars(Statement["Effect"]).All(e => e == "Allow");

    public IReadOnlyList<string> Actions => Cfn.Scalars(Statement["Action"]).ToList();

    public override string ToString() => $"{Owner} {Where}";
}

/// <summary>Reading CloudFormation templates: resources, references, IAM policy statements.</summary>
internal static partial class Cfn
{
    public static IEnumerable<CfnResource> Resources(JsonNode template) =>
        (template["Resources"] as JsonObject ?? [])
            .Select(kv => new CfnResource(kv.Key, (JsonObject)kv.Value!));

    public static IEnumerable<CfnResource> OfType(JsonNode template, string type) =>
        Resources(template).Where(r => r.Type == type);

    /// <summary>
    /// The plain strings a value can take: itself if a string, the items of a list, and both branches
    /// of an <c>Fn::If</c> (other intrinsic functions yield nothing: their value is not known here).
    /// </summary>
    public static IEnumerable<string> Scalars(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                yield return s;
                break;
            case JsonValue v:
                yield return v.ToJsonString();
                break;
            case JsonArray array:
                foreach (var item in array.SelectMany(Scalars))
                {
                    yield return item;
                }

                break;
            case JsonObject obj when obj["Fn::If"] is JsonArray { Count: 3 } branches:
                foreach (var item in Scalars(branches[1]).Concat(Scalars(branches[2])))
                {
                    yield return item;
                }

                break;
        }
    }

    /// <summary>The logical ids a value refers to (<c>Ref</c>, <c>Fn::GetAtt</c>), through <c>Fn::If</c> and lists.</summary>
    public static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when obj["Ref"] is JsonValue r && r.TryGetValue<string>(out var id):
                yield return id;
                break;
            case JsonObject obj when obj["Fn::GetAtt"] is JsonArray { Count: >= 1 } getAtt && getAtt[0] is JsonValue g && g.TryGetValue<string>(out var target):
                yield return target;
                break;
            case JsonObject obj when obj["Fn::If"] is JsonArray { Count: 3 } branches:
                foreach (var item in References(branches[1]).Concat(References(branches[2])))
                {
                    yield return item;
                }

                break;
            case JsonArray array:
                foreach (var item in array.SelectMany(References))
                {
                    yield return item;
                }

                break;
        }
    }

    /// <summary>
    /// Every policy statement of the template: inline role policies, AWS::IAM::Policy and
    /// ManagedPolicy documents, resource policies (queue policies ...) and trust policies, including
    /// documents written as JSON strings in <c>Fn::Sub</c> (their <c>${...}</c> replaced by placeholders).
    /// </summary>
    public static IEnumerable<PolicyStatement> Statements(JsonNode template)
    {
        foreach (var resource in Resources(template))
        {
            if (resource.Properties is null)
            {
                continue;
            }

            foreach (var (where, document) in PolicyDocuments(resource.Properties, "Properties"))
            {
                foreach (var (i, statement) in StatementsOf(document))
                {
                    yield return new PolicyStatement(resource, $"{where}.Statement[{i}]", statement);
                }
            }
        }
    }

    /// <summary>The statements attached to a role: its inline policies and policies that name it.</summary>
    public static IEnumerable<PolicyStatement> PermissionStatements(JsonNode template, CfnResource role) =>
        Statements(template).Where(s =>
            (s.Owner.LogicalId == role.LogicalId && s.Where.StartsWith("Properties.Policies", StringComparison.Ordinal))
            || (s.Owner.Type is "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy"
                && References(s.Owner.Properties?["Roles"]).Contains(role.LogicalId)));

    /// <summary>The statements of a role's trust policy.</summary>
    public static IEnumerable<PolicyStatement> TrustStatements(JsonNode template, CfnResource role) =>
        Statements(template).Where(s => s.Owner.LogicalId == role.LogicalId
            && s.Where.StartsWith("Properties.AssumeRolePolicyDocument", StringComparison.Ordinal));

    private static IEnumerable<(string Where, JsonNode Document)> PolicyDocuments(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (child is null)
                    {
                        continue;
                    }

                    if (key is "PolicyDocument" or "AssumeRolePolicyDocument")
                    {
                        foreach (var (i, document) in Alternatives(child))
                        {
                            yield return ($"{path}.{key}{i}", document);
                        }
                    }
                    else
                    {
                        foreach (var found in PolicyDocuments(child, $"{path}.{key}"))
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        foreach (var found in PolicyDocuments(child, $"{path}[{i}]"))
                        {
                            yield return found;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>The documents a value can be: itself, either branch of Fn::If, a JSON string in Fn::Sub.</summary>
    private static IEnumerable<(string Suffix, JsonNode Document)> Alternatives(JsonNode node)
    {
        if (node is JsonObject obj && obj["Fn::If"] is JsonArray { Count: 3 } branches)
        {
            foreach (var (suffix, document) in Alternatives(branches[1]!))
            {
                yield return ($"(if-true){suffix}", document);
            }

            foreach (var (suffix, document) in Alternatives(branches[2]!))
            {
                yield return ($"(if-false){suffix}", document);
            }
        }
        else if (node is JsonObject sub && sub["Fn::Sub"] is { } subArgument)
        {
            var text = subArgument is JsonArray { Count: >= 1 } list ? list[0]?.GetValue<string>() : subArgument.GetValue<string>();
            yield return ("(Fn::Sub)", ParseSubstitutedJson(text ?? ""));
        }
        else if (node is JsonValue v && v.TryGetValue<string>(out var json))
        {
            yield return ("(string)", ParseSubstitutedJson(json));
        }
        else
        {
            yield return ("", node);
        }
    }

    private static JsonNode ParseSubstitutedJson(string text)
    {
        var json = Placeholder().Replace(text, m => $"SUB:{m.Groups[1].Value}");
        try
        {
            return JsonNode.Parse(json) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A policy document written as a string is not JSON: {e.Message}\n{text}", e);
        }
    }

    [GeneratedRegex(@"\$\{([^}!]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private static IEnumerable<(int Index, JsonObject Statement)> StatementsOf(JsonNode document)
    {
        var statements = document["Statement"];
        var list = statements switch
        {
            JsonArray array => array.SelectMany(ExpandIf).ToList(),
            JsonObject obj => ExpandIf(obj).ToList(),
            _ => [],
        };
        for (var i = 0; i < list.Count; i++)
        {
            yield return (i, list[i]);
        }
    }

    private static IEnumerable<JsonObject> ExpandIf(JsonNode? node)
    {
        if (node is JsonObject obj && obj["Fn::If"] is JsonArray { Count: 3 } branches)
        {
            return ExpandIf(branches[1]).Concat(ExpandIf(branches[2]));
        }

        return node is JsonObject statement && !statement.ContainsKey("Ref") ? [statement] : [];
    }
}
