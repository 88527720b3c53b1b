using System.Reflection;

namespace Bridge.Infra.Tests.Support;

/// <summary>
/// The bridge's configuration sections: every type with a <c>public const string Section</c>, and its
/// public instance properties. An app setting <c>{Section}__{Property}</c> binds one of them
/// (<c>{Section}__{Property}__{key}</c> for a dictionary property).
/// </summary>
internal sealed class OptionsCatalog
{
    /// <summary>First segments of settings that belong to the Functions host or the platform, not to the bridge.</summary>
    public static readonly IReadOnlySet<string> PlatformPrefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AzureWebJobsStorage",
        "AzureFunctionsJobHost",
        "AzureWebJobs",
        "APPLICATIONINSIGHTS",
        "WEBSITE",
    };

    private readonly Dictionary<string, Type> sections;

    public OptionsCatalog(IEnumerable<Assembly> assemblies)
    {
        sections = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            var field = type.GetField("Section", BindingFlags.Public | BindingFlags.Static);
            if (field is { IsLiteral: true } && field.FieldType == typeof(string) && field.GetRawConstantValue() is string section)
            {
                sections.Add(section, type);
            }
        }
    }

    public IReadOnlyDictionary<string, Type> Sections => sections;

    /// <summary>Why the setting's segments do not bind a property, or null when they do.</summary>
    public string? Explain(IReadOnlyList<string> segments)
    {
        if (!sections.TryGetValue(segments[0], out var type))
        {
            var near = sections.Keys.FirstOrDefault(k => k.Equals(segments[0], StringComparison.OrdinalIgnoreCase));
            return near is null
                ? $"no options class has Section \"{segments[0]}\" (known: {string.Join(", ", sections.Keys.Order(StringComparer.Ordinal))})"
                : $"section is spelled \"{near}\" in {sections[near].Name}";
        }

        var property = type.GetProperty(segments[1], BindingFlags.Public | BindingFlags.Instance);
        if (property is null)
        {
            var near = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => p.Name.Equals(segments[1], StringComparison.OrdinalIgnoreCase));
            return near is null
                ? $"{type.Name} has no public property \"{segments[1]}\""
                : $"{type.Name}'s property is spelled \"{near.Name}\"";
        }

        var isDictionary = property.PropertyType.GetInterfaces().Append(property.PropertyType)
            .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return segments.Count switch
        {
            2 => null,
            3 when isDictionary => null,
            _ => $"{type.Name}.{property.Name} takes {(isDictionary ? "one key segment" : "no further segments")}",
        };
    }
}
