using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Functions.Tests.Support;

/// <summary>
/// Just enough of Azure Resource Manager's template expression language to compute what a compiled Bicep template
/// hands a resource: <c>[func(args)]</c> strings with property access and indexing, parameters (values given, else the
/// template's defaults), variables, nested deployments' parameters and the lambda functions Bicep emits (map, items,
/// flatten, ...). <c>reference('module').outputs.X.value</c> is answered by the reference callback, which is where the
/// tests put loopback fakes in place of what the deployment would create. A function it does not know throws with its
/// name, so a template that grows past it fails loudly rather than computing something else.
/// </summary>
public sealed class ArmEvaluator
{
    private readonly JsonObject _template;
    private readonly IReadOnlyDictionary<string, JsonNode?> _parameterValues;
    private readonly Dictionary<string, JsonNode?> _variables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, string, JsonNode?> _reference;

    /// <param name="template">A template (main, or a nested deployment's <c>properties.template</c>).</param>
    /// <param name="parameterValues">Values given to its parameters; the others take their defaultValue.</param>
    /// <param name="reference">(symbolic name of a deployment, output name) → its value, for <c>reference()</c>.</param>
    public ArmEvaluator(JsonObject template, IReadOnlyDictionary<string, JsonNode?> parameterValues, Func<string, string, JsonNode?> reference)
    {
        _template = template;
        _parameterValues = new Dictionary<string, JsonNode?>(parameterValues, StringComparer.OrdinalIgnoreCase);
        _reference = reference;
    }

    /// <summary>The resource with this symbolic name (languageVersion 2.0 templates keep resources in an object).</summary>
    public JsonObject Resource(string symbolicName) =>
        _template["resources"]?[symbolicName]?.AsObject() ?? throw new InvalidOperationException($"The template has no resource '{symbolicName}'.");

    public IEnumerable<(string Name, JsonObject Resource)> Resources() =>
        _template["resources"] is JsonObject o ? o.Select(p => (p.Key, p.Value!.AsObject())) : [];

    /// <summary>The nested deployment's template, with its parameters evaluated here.</summary>
    public ArmEvaluator Nested(string deploymentSymbolicName)
    {
        var deployment = Resource(deploymentSymbolicName);
        var values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, parameter) in deployment["properties"]!["parameters"]!.AsObject())
            values[name] = Evaluate(parameter!["value"]);
        return new ArmEvaluator(deployment["properties"]!["template"]!.AsObject(), values, _reference);
    }

    /// <summary>A template value: strings that are expressions are evaluated, objects and arrays element by element.</summary>
    public JsonNode? Evaluate(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.StartsWith('[') && s.EndsWith(']') && !s.StartsWith("[[", StringComparison.Ordinal)
            ? new Parser(s[1..^1]).ParseAll() is var e ? Eval(e, Scope.Empty) : null
            : JsonValue.Create(s.StartsWith("[[", StringComparison.Ordinal) ? s[1..] : s),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Evaluate(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Evaluate).ToArray()),
        _ => node?.DeepClone(),
    };

    private JsonNode? Parameter(string name)
    {
        if (_parameterValues.TryGetValue(name, out var value)) return value?.DeepClone();
        var declared = _template["parameters"]?[name] ?? throw new InvalidOperationException($"No parameter '{name}'.");
        return declared["defaultValue"] is { } d ? Evaluate(d) : throw new InvalidOperationException($"Parameter '{name}' has no value and no default.");
    }

    private JsonNode? Variable(string name)
    {
        if (_variables.TryGetValue(name, out var cached)) return cached?.DeepClone();
        var declared = _template["variables"]?.AsObject().FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new InvalidOperationException($"No variable '{name}'.");
        var value = Evaluate(declared);
        _variables[name] = value;
        return value?.DeepClone();
    }

    // ------------------------------------------------------------------ evaluation

    private abstract record Expr;
    private sealed record Literal(JsonNode? Value) : Expr;
    private sealed record Call(string Function, IReadOnlyList<Expr> Arguments) : Expr;
    private sealed record Member(Expr Target, string Name) : Expr;
    private sealed record Index(Expr Target, Expr Key) : Expr;

    private sealed record Lambda(IReadOnlyList<string> Names, Expr Body);

    private sealed class Scope(IReadOnlyDictionary<string, JsonNode?> values)
    {
        public static readonly Scope Empty = new(new Dictionary<string, JsonNode?>());
        public JsonNode? this[string name] => values.TryGetValue(name, out var v) ? v?.DeepClone() : throw new InvalidOperationException($"No lambda variable '{name}'.");
        public Scope With(IReadOnlyList<string> names, params JsonNode?[] args)
        {
            var d = new Dictionary<string, JsonNode?>(values);
            for (var i = 0; i < names.Count; i++) d[names[i]] = args[i];
            return new Scope(d);
        }
    }

    private JsonNode? Eval(Expr e, Scope scope) => e switch
    {
        Literal l => l.Value?.DeepClone(),
        Member m => Eval(m.Target, scope) is JsonObject o
            ? o.FirstOrDefault(p => p.Key.Equals(m.Name, StringComparison.OrdinalIgnoreCase)).Value?.DeepClone()
            : throw new InvalidOperationException($"'.{m.Name}' on a value that is not an object."),
        Index i => Eval(i.Target, scope) switch
        {
            JsonArray a => a[(int)Eval(i.Key, scope)!.GetValue<long>()]?.DeepClone(),
            JsonObject o => o[Str(Eval(i.Key, scope))]?.DeepClone(),
            _ => throw new InvalidOperationException("Indexing a value that is neither an array nor an object."),
        },
        Call c => Apply(c, scope),
        _ => throw new InvalidOperationException(e.ToString()),
    };

    private JsonNode? Apply(Call c, Scope scope)
    {
        JsonNode? Arg(int i) => Eval(c.Arguments[i], scope);
        IEnumerable<JsonNode?> Args() => c.Arguments.Select(a => Eval(a, scope));
        Lambda LambdaArg(int i) => c.Arguments[i] is Call { Function: "lambda" } l
            ? new Lambda(l.Arguments.SkipLast(1).Select(a => Str(Eval(a, scope))).ToArray(), l.Arguments[^1])
            : throw new InvalidOperationException($"{c.Function} expects a lambda.");

        switch (c.Function.ToLowerInvariant())
        {
            case "parameters": return Parameter(Str(Arg(0)));
            case "variables": return Variable(Str(Arg(0)));
            case "lambdavariables": return scope[Str(Arg(0))];
            case "reference":
                {
                    var target = Str(Arg(0));
                    // reference('symbol') of a deployment: its outputs, each as { value }.
                    var outputs = new JsonObject();
                    var deployment = Resource(target);
                    foreach (var (name, _) in deployment["properties"]!["template"]!["outputs"]!.AsObject())
                        outputs[name] = new JsonObject { ["value"] = _reference(target, name) };
                    return new JsonObject { ["outputs"] = outputs };
                }
            case "format":
                {
                    var args = Args().ToArray();
                    var text = Str(args[0]);
                    return JsonValue.Create(System.Text.RegularExpressions.Regex.Replace(text, @"\{(\d+)\}", m => Text(args[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1])));
                }
            case "string": return JsonValue.Create(Text(Arg(0)));
            case "int": return JsonValue.Create(long.Parse(Text(Arg(0)), CultureInfo.InvariantCulture));
            case "bool": return JsonValue.Create(Text(Arg(0)).Equals("true", StringComparison.OrdinalIgnoreCase));
            case "true": return JsonValue.Create(true);
            case "false": return JsonValue.Create(false);
            case "if": return Bool(Arg(0)) ? Arg(1) : Arg(2);
            case "and": return JsonValue.Create(Args().All(Bool));
            case "or": return JsonValue.Create(Args().Any(Bool));
            case "not": return JsonValue.Create(!Bool(Arg(0)));
            case "equals": return JsonValue.Create(JsonNode.DeepEquals(Arg(0), Arg(1)));
            case "empty":
                return JsonValue.Create(Arg(0) switch
                {
                    null => true,
                    JsonArray a => a.Count == 0,
                    JsonObject o => o.Count == 0,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
                    _ => false,
                });
            case "coalesce": return Args().FirstOrDefault(a => a is not null);
            case "tryget":
                {
                    var target = Arg(0);
                    var key = Arg(1);
                    return target switch
                    {
                        JsonObject o => o.FirstOrDefault(p => p.Key.Equals(Str(key), StringComparison.OrdinalIgnoreCase)).Value?.DeepClone(),
                        JsonArray a when key!.GetValue<long>() is var n && n < a.Count => a[(int)n]?.DeepClone(),
                        _ => null,
                    };
                }
            case "createarray": return new JsonArray(Args().ToArray());
            case "createobject":
                {
                    var args = Args().ToArray();
                    var o = new JsonObject();
                    for (var i = 0; i < args.Length; i += 2) o[Str(args[i])] = args[i + 1];
                    return o;
                }
            case "concat":
                {
                    var args = Args().ToArray();
                    if (args.Length > 0 && args.All(a => a is JsonArray))
                        return new JsonArray(args.SelectMany(a => a!.AsArray().Select(x => x?.DeepClone())).ToArray());
                    return JsonValue.Create(string.Concat(args.Select(Text)));
                }
            case "flatten": return new JsonArray(Arg(0)!.AsArray().SelectMany(a => a!.AsArray().Select(x => x?.DeepClone())).ToArray());
            case "items": return new JsonArray(Arg(0)!.AsObject().Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value?.DeepClone() }).ToArray());
            case "map":
                {
                    var source = Arg(0)!.AsArray();
                    var lambda = LambdaArg(1);
                    return new JsonArray(source.Select((x, i) => Eval(lambda.Body, scope.With(lambda.Names, x?.DeepClone(), JsonValue.Create((long)i)))).ToArray());
                }
            case "filter":
                {
                    var lambda = LambdaArg(1);
                    return new JsonArray(Arg(0)!.AsArray().Select((x, i) => (x, i))
                        .Where(p => Bool(Eval(lambda.Body, scope.With(lambda.Names, p.x?.DeepClone(), JsonValue.Create((long)p.i)))))
                        .Select(p => p.x?.DeepClone()).ToArray());
                }
            case "tolower": return JsonValue.Create(Str(Arg(0)).ToLowerInvariant());
            case "replace": return JsonValue.Create(Str(Arg(0)).Replace(Str(Arg(1)), Str(Arg(2)), StringComparison.Ordinal));
            case "take":
                {
                    var n = (int)Arg(1)!.GetValue<long>();
                    return Arg(0) is JsonArray a ? new JsonArray(a.Take(n).Select(x => x?.DeepClone()).ToArray()) : JsonValue.Create(new string(Str(Arg(0)).Take(n).ToArray()));
                }
            case "uniquestring": return JsonValue.Create(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", Args().Select(Text)))))[..13].ToLowerInvariant());
            case "subscription": return new JsonObject { ["id"] = "/subscriptions/00000000-0000-0000-0000-000000000000", ["subscriptionId"] = "00000000-0000-0000-0000-000000000000", ["tenantId"] = "11111111-1111-1111-1111-111111111111" };
            case "resourcegroup": return new JsonObject { ["id"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bridge-tests", ["name"] = "rg-bridge-tests", ["location"] = "westeurope" };
            default: throw new NotSupportedException($"ArmEvaluator does not know the template function '{c.Function}'.");
        }
    }

    private static bool Bool(JsonNode? v) => v is JsonValue j && j.TryGetValue<bool>(out var b) ? b : throw new InvalidOperationException($"Not a bool: {v?.ToJsonString()}");

    private static string Str(JsonNode? v) => v is JsonValue j && j.TryGetValue<string>(out var s) ? s : throw new InvalidOperationException($"Not a string: {v?.ToJsonString()}");

    /// <summary>As string() writes it: strings as they are, numbers invariant, bools lower case, the rest as JSON.</summary>
    private static string Text(JsonNode? v) => v switch
    {
        null => "",
        JsonValue j when j.TryGetValue<string>(out var s) => s,
        JsonValue j when j.TryGetValue<bool>(out var b) => b ? "True" : "False",
        JsonValue j => j.ToJsonString(),
        _ => v.ToJsonString(),
    };

    // ------------------------------------------------------------------ parsing

    private sealed class Parser(string text)
    {
        private int _at;

        public Expr ParseAll()
        {
            var e = ParseExpr();
            SkipSpace();
            return _at == text.Length ? e : throw Error("trailing text");
        }

        private Expr ParseExpr()
        {
            SkipSpace();
            var e = ParsePrimary();
            while (true)
            {
                if (Peek('.')) { _at++; e = new Member(e, Identifier()); }
                else if (Peek('[')) { _at++; var key = ParseExpr(); Expect(']'); e = new Index(e, key); }
                else return e;
            }
        }

        private Expr ParsePrimary()
        {
            SkipSpace();
            if (Peek('\''))
            {
                var sb = new StringBuilder();
                _at++;
                while (true)
                {
                    if (_at >= text.Length) throw Error("unterminated string");
                    if (text[_at] == '\'')
                    {
                        if (_at + 1 < text.Length && text[_at + 1] == '\'') { sb.Append('\''); _at += 2; continue; }
                        _at++;
                        return new Literal(JsonValue.Create(sb.ToString()));
                    }
                    sb.Append(text[_at++]);
                }
            }
            if (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '-'))
            {
                var start = _at++;
                while (_at < text.Length && char.IsDigit(text[_at])) _at++;
                return new Literal(JsonValue.Create(long.Parse(text[start.._at], CultureInfo.InvariantCulture)));
            }
            var name = Identifier();
            Expect('(');
            var args = new List<Expr>();
            SkipSpace();
            if (!Peek(')'))
            {
                do { args.Add(ParseExpr()); SkipSpace(); }
                while (Peek(',') && ++_at > 0);
            }
            Expect(')');
            return new Call(name, args);
        }

        private string Identifier()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '$')) _at++;
            return _at > start ? text[start.._at] : throw Error("identifier expected");
        }

        private bool Peek(char c) { SkipSpace(); return _at < text.Length && text[_at] == c; }

        private void Expect(char c)
        {
            if (!Peek(c)) throw Error($"'{c}' expected");
            _at++;
        }

        private void SkipSpace() { while (_at < text.Length && text[_at] == ' ') _at++; }

        private InvalidOperationException Error(string what) => new($"ARM expression: {what} at {_at} in [{text}]");
    }
}
