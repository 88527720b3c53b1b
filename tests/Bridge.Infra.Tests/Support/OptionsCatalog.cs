using System.Globalization;
using System.Reflection;

namespace Bridge.Infra.Tests.Support;

/// <summary>
/// The bridge's configuration sections: every type with a <c>public const string Section</c>, and its
/// public instance properties, declared or inherited. An app setting <c>{Section}__{Property}</c> binds one
/// of them; the segments after it follow the property's type as the configuration binder does:
/// <c>__{key}</c> into a dictionary, <c>__{index}</c> into a list or array, <c>__{Property}</c> into a nested
/// options object (<c>GitHub__Enterprise__0__ApiBaseUrl</c>, <c>GitHub__Enterprise__0__InstallationIds__my-org</c>).
/// A setting must end on a value the binder can write: a settable scalar, or a scalar dictionary or list entry.
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

        return ExplainObject(type, segments, 1);
    }

    /// <summary>Public instance properties, the inherited ones included (a derived class's own declaration wins).</summary>
    public static IReadOnlyList<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(p => Depth(p.DeclaringType!)).First())
            .ToList();

    /// <summary><paramref name="segments"/>[<paramref name="at"/>] names a property of <paramref name="type"/>.</summary>
    private static string? ExplainObject(Type type, IReadOnlyList<string> segments, int at)
    {
        if (at >= segments.Count)
        {
            return $"{type.Name} is an object: name one of its properties";
        }

        var properties = Properties(type);
        var property = properties.FirstOrDefault(p => p.Name.Equals(segments[at], StringComparison.Ordinal));
        if (property is null)
        {
            var near = properties.FirstOrDefault(p => p.Name.Equals(segments[at], StringComparison.OrdinalIgnoreCase));
            return near is null
                ? $"{type.Name} has no public property \"{segments[at]}\""
                : $"{type.Name}'s property is spelled \"{near.Name}\"";
        }

        var name = $"{type.Name}.{property.Name}";
        var propertyType = property.PropertyType;
        if (IsScalar(propertyType))
        {
            if (property.SetMethod is not { IsPublic: true })
            {
                return $"{name} is read-only (computed): configuration cannot set it";
            }

            return at == segments.Count - 1 ? null : $"{name} takes no further segments";
        }

        // Collections and nested objects are bound in place, so a getter is enough.
        return ExplainValue(propertyType, name, segments, at + 1);
    }

    /// <summary>The value of type <paramref name="type"/> (a collection or an object) is reached by segments from <paramref name="at"/> on.</summary>
    private static string? ExplainValue(Type type, string name, IReadOnlyList<string> segments, int at)
    {
        if (DictionaryValueType(type) is { } valueType)
        {
            if (at >= segments.Count)
            {
                return $"{name} takes one key segment";
            }

            return ExplainElement(valueType, $"{name}[{segments[at]}]", segments, at + 1, "one key segment");
        }

        if (ListElementType(type) is { } elementType)
        {
            if (at >= segments.Count)
            {
                return $"{name} takes an index segment (0, 1, ...)";
            }

            if (!int.TryParse(segments[at], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return $"{name} is a list: \"{segments[at]}\" is not an index (0, 1, ...)";
            }

            return ExplainElement(elementType, $"{name}[{segments[at]}]", segments, at + 1, "an index segment");
        }

        return ExplainObject(type, segments, at);
    }

    private static string? ExplainElement(Type type, string name, IReadOnlyList<string> segments, int at, string takes)
    {
        if (IsScalar(type))
        {
            return at == segments.Count ? null : $"{name} takes {takes} only";
        }

        return ExplainValue(type, name, segments, at);
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri)
            || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? ListElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
