using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Bridge.Infra.Tests.Support;

/// <summary>
/// Loads a CloudFormation YAML template into the JSON shape CloudFormation itself uses: short-form
/// tags become their long form (<c>!Ref X</c> -> <c>{"Ref": "X"}</c>, <c>!Sub s</c> -> <c>{"Fn::Sub": s}</c>,
/// <c>!GetAtt A.B</c> -> <c>{"Fn::GetAtt": ["A", "B"]}</c>, <c>!Condition C</c> -> <c>{"Condition": "C"}</c>).
/// Scalars stay strings (CloudFormation's own types are checked by cfn-lint, not here).
/// </summary>
internal static class CloudFormationYaml
{
    public static JsonObject Load(string path) => Parse(File.ReadAllText(path));

    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count != 1)
        {
            throw new InvalidDataException($"Expected one YAML document, found {stream.Documents.Count}.");
        }

        return Convert(stream.Documents[0].RootNode) as JsonObject
            ?? throw new InvalidDataException("The template's root is not a mapping.");
    }

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? value = node switch
        {
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
            YamlMappingNode mapping => ToObject(mapping),
            _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
        };

        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        if (tag is null || tag == "!" || tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
        {
            return value;
        }

        if (!tag.StartsWith('!'))
        {
            throw new InvalidDataException($"Unexpected YAML tag {tag} at {node.Start}.");
        }

        var function = tag[1..] switch
        {
            "Ref" => "Ref",
            "Condition" => "Condition",
            var name => "Fn::" + name,
        };

        // !GetAtt Resource.Attribute is the short form of ["Resource", "Attribute"].
        if (function == "Fn::GetAtt" && value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            value = dot < 0
                ? new JsonArray(JsonValue.Create(text))
                : new JsonArray(JsonValue.Create(text[..dot]), JsonValue.Create(text[(dot + 1)..]));
        }

        return new JsonObject { [function] = value };
    }

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, child) in mapping.Children)
        {
            var name = key is YamlScalarNode s ? s.Value ?? "" : throw new InvalidDataException($"Non-scalar key at {key.Start}.");
            obj.Add(name, Convert(child));
        }

        return obj;
    }
}
