using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bridge.Infra.Tests.Support;

/// <summary>A resource of a compiled ARM template, with the (nested) template that declares it.</summary>
internal sealed record ArmResource(JsonObject Resource, JsonObject Template, string Path)
{
    public string Type => Resource["type"]?.GetValue<string>() ?? "";

    public string Name => Resource["name"]?.GetValue<string>() ?? "";

    public JsonObject? Properties => Resource["properties"] as JsonObject;

    public override string ToString() => $"{Path} ({Type} {Name})";
}

/// <summary>An app setting found in a template, with its value as written (literal or ARM expression).</summary>
internal sealed record AppSetting(string Name, string Value, string Path);

/// <summary>Reading compiled ARM JSON: resources across nested deployments (Bicep modules), app settings.</summary>
internal static partial class Arm
{
    /// <summary>Every resource of the template and of the templates of its nested deployments.</summary>
    public static IEnumerable<ArmResource> Resources(JsonNode template) => Resources((JsonObject)template, "$");

    public static IEnumerable<ArmResource> OfType(JsonNode template, string type) =>
        Resources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<ArmResource> Resources(JsonObject template, string path)
    {
        // languageVersion 1.0: an array; 2.0 (symbolic names): an object keyed by symbolic name.
        IEnumerable<(string Key, JsonObject Resource)> items = template["resources"] switch
        {
            JsonArray array => array.Select((r, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonObject)r!)),
            JsonObject map => map.Select(kv => (kv.Key, (JsonObject)kv.Value!)),
            _ => [],
        };

        foreach (var (key, resource) in items)
        {
            var resourcePath = $"{path}.resources[{key}]";
            yield return new ArmResource(resource, template, resourcePath);

            if (string.Equals(resource["type"]?.GetValue<string>(), "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Resources(nested, $"{resourcePath}.properties.template"))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The (nested) templates that declare a function app.</summary>
    public static IEnumerable<JsonObject> FunctionAppTemplates(JsonNode template) =>
        OfType(template, "Microsoft.Web/sites")
            .Where(r => (r.Resource["kind"]?.GetValue<string>() ?? "").Contains("functionapp", StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Template)
            .Distinct();

    /// <summary>
    /// The app settings of the function app(s), however Bicep wrote them: literal <c>{ name, value }</c>
    /// objects (in <c>siteConfig.appSettings</c> or in a variable it reads), <c>createObject('name', 'X',
    /// 'value', ...)</c> in expressions (settings emitted under a condition; a <c>format('A__{0}__B', ...)</c>
    /// name, built in a lambda, is read with each placeholder as <c>0</c>), and keys of
    /// <c>Microsoft.Web/sites/config</c> <c>appsettings</c> resources.
    /// </summary>
    public static IReadOnlyList<AppSetting> AppSettings(JsonNode template)
    {
        var settings = new List<AppSetting>();
        foreach (var appTemplate in FunctionAppTemplates(template))
        {
            foreach (var section in new[] { "variables", "resources" })
            {
                if (appTemplate[section] is { } node)
                {
                    Collect(node, $"{section}", settings);
                }
            }
        }

        return settings;
    }

    private static void Collect(JsonNode node, string path, List<AppSetting> settings)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"]?.GetValue<string>() is { } type
                    && type.Equals("Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase)
                    && (obj["name"]?.GetValue<string>() ?? "").EndsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                    && obj["properties"] is JsonObject configProperties)
                {
                    foreach (var (name, value) in configProperties)
                    {
                        settings.Add(new AppSetting(name, value?.ToJsonString() ?? "", $"{path}.properties.{name}"));
                    }
                }

                if (IsNameValuePair(obj))
                {
                    settings.Add(new AppSetting(obj["name"]!.GetValue<string>(), ValueText(obj["value"]), path));
                    return;
                }

                foreach (var (key, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, $"{path}.{key}", settings);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        Collect(child, $"{path}[{i}]", settings);
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith('['):
                foreach (Match match in CreateObjectSetting().Matches(text))
                {
                    settings.Add(new AppSetting(match.Groups["name"].Value, match.Groups["value"].Value, path));
                }

                // Names built in a loop or lambda: format('GitHub__Enterprise__{0}__ApiBaseUrl', ...). Each
                // placeholder stands for an index or a key, checked as "0"; the value is the expression up to
                // the next setting (read for secret markers only).
                foreach (Match match in CreateObjectFormattedSetting().Matches(text))
                {
                    var name = FormatPlaceholder().Replace(match.Groups["format"].Value, "0");
                    var next = text.IndexOf("createObject('name'", match.Index + match.Length, StringComparison.Ordinal);
                    var expression = next < 0 ? text[(match.Index + match.Length)..] : text[(match.Index + match.Length)..next];
                    settings.Add(new AppSetting(name, expression, path));
                }

                break;
        }
    }

    private static bool IsNameValuePair(JsonObject obj) =>
        obj.Count is 2 or 3
        && obj["name"] is JsonValue name && name.TryGetValue<string>(out var n) && !n.StartsWith('[')
        && obj.ContainsKey("value")
        && obj.All(kv => kv.Key is "name" or "value" or "slotSetting");

    private static string ValueText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    /// <summary>Replaces <c>variables('x')</c> by the variable's value when it is a plain string.</summary>
    public static string InlineVariables(string expression, JsonObject template) =>
        VariableReference().Replace(expression, m =>
            template["variables"]?[m.Groups["name"].Value] is JsonValue v && v.TryGetValue<string>(out var s) && !s.StartsWith('[')
                ? $"'{s}'"
                : m.Value);

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    // createObject('name', 'Aws__ExternalId', 'value', parameters('awsExternalId'))
    [GeneratedRegex(@"createObject\('name',\s*'(?<name>[^']+)',\s*'value',\s*(?<value>[^)]*\)?)", RegexOptions.CultureInvariant)]
    private static partial Regex CreateObjectSetting();

    // createObject('name', format('GitHub__Enterprise__{0}__ApiBaseUrl', lambdaVariables('n')), 'value', ...)
    [GeneratedRegex(@"createObject\('name',\s*format\('(?<format>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex CreateObjectFormattedSetting();

    [GeneratedRegex(@"\{\d+\}", RegexOptions.CultureInvariant)]
    private static partial Regex FormatPlaceholder();

    /// <summary>Every string anywhere under <paramref name="node"/>.</summary>
    public static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    yield return key;
                    foreach (var s in Strings(child))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var s in Strings(child))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                yield return text;
                break;
        }
    }
}
