using System.Text.RegularExpressions;

namespace Bridge.Infra.Tests.Checks;

/// <summary>
/// Checks over the deployment guide and README (text in, findings out), for the facts a template
/// check cannot see: how the Entra app is created, how the function key travels, what EventBridge retries.
/// </summary>
internal static partial class DocsChecks
{
    /// <summary>
    /// An Entra app's identifier URI is <c>api://{appId}</c>, <c>api://{tenantId}/{name}</c> or a verified
    /// domain, so a fixed <c>api://some-name</c> is refused by Entra ID; and the token service issues
    /// tokens only for an app with a service principal (<c>az ad sp create</c>).
    /// </summary>
    public static IReadOnlyList<string> EntraAppAsEntraAcceptsIt(string text, string source)
    {
        var findings = new List<string>();
        foreach (Match m in IdentifierUri().Matches(text))
        {
            var uri = m.Groups["uri"].Value.Trim('"', '\'', '`');
            var ok = uri.StartsWith("api://$APP_ID", StringComparison.Ordinal)
                || uri.StartsWith("api://${APP_ID}", StringComparison.Ordinal)
                || uri.StartsWith("api://{application id}", StringComparison.Ordinal)
                || uri.StartsWith("api://<application-id>", StringComparison.Ordinal);
            if (!ok)
            {
                findings.Add($"{source}: --identifier-uris {uri}: Entra ID accepts api://{{appId}}, api://{{tenantId}}/{{name}} or a verified domain");
            }
        }

        if (text.Contains("az ad app create", StringComparison.Ordinal) && !text.Contains("az ad sp create", StringComparison.Ordinal))
        {
            findings.Add($"{source}: creates an app registration without its service principal (az ad sp create)");
        }

        return findings;
    }

    /// <summary>
    /// In shell blocks, the function key is never an argument of a command (visible in the process list
    /// and kept in shell history): it is read with <c>read -rs</c>, piped from a builtin <c>printf</c>,
    /// or taken by CloudFormation from Secrets Manager; never a <c>FunctionKey=</c> parameter.
    /// </summary>
    public static IReadOnlyList<string> FunctionKeyNeverOnACommandLine(string text, string source)
    {
        var findings = new List<string>();
        foreach (var (line, number) in ShellLines(text))
        {
            var trimmed = line.TrimStart();
            if (FunctionKeyParameter().IsMatch(trimmed))
            {
                findings.Add($"{source}:{number}: the function key as a stack parameter: {trimmed}");
                continue;
            }

            if (!FunctionKeyVariable().IsMatch(trimmed))
            {
                continue;
            }

            // Each pipeline stage that names the key must be a builtin (no process, so no process list): read -rs,
            // printf (into a pipe), export (into the environment of what follows), unset.
            var allowed = trimmed.Split('|')
                .Where(stage => FunctionKeyVariable().IsMatch(stage))
                .Select(stage => AssignmentPrefix().Replace(stage.Trim(), ""))
                .All(stage => stage.StartsWith("read -rs", StringComparison.Ordinal)
                    || stage.StartsWith("printf ", StringComparison.Ordinal)
                    || stage.StartsWith("export ", StringComparison.Ordinal)
                    || stage.StartsWith("unset ", StringComparison.Ordinal));
            if (!allowed)
            {
                findings.Add($"{source}:{number}: the function key on a command line: {trimmed}");
            }
        }

        return findings;
    }

    /// <summary>
    /// API destinations retry 401, 407, 409, 429 and 5xx (EventBridge user guide): no line may say a
    /// 401 is not retried, goes to the dead-letter queue at once, or is a permanent failure.
    /// </summary>
    public static IReadOnlyList<string> RetriesAsEventBridgeDoes(string text, string source)
    {
        var findings = new List<string>();
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            foreach (var claim in new[] { NotRetried401Row(), SuchAs401(), Permanent401(), Permanent401Before() })
            {
                var m = claim.Match(line);
                if (m.Success)
                {
                    findings.Add($"{source}:{number}: \"{m.Value}\", but EventBridge retries 401: {line.Trim()}");
                }
            }
        }

        return findings;
    }

    /// <summary>The deployer's AWS permissions name Secrets Manager (the connection keeps its key there; the guide stores the function key there).</summary>
    public static IReadOnlyList<string> DeployerMayUseSecretsManager(string guide)
    {
        var start = guide.IndexOf("- Permissions:", StringComparison.Ordinal);
        var end = start < 0 ? -1 : guide.IndexOf("\n- A GitHub credential", start, StringComparison.Ordinal);
        var section = start < 0 || end < 0 ? "" : guide[start..end];
        return section.Contains("secretsmanager:", StringComparison.Ordinal)
            ? []
            : ["docs/deploy.md, step 0: the AWS permissions do not name Secrets Manager (secretsmanager:...)"];
    }

    private static IEnumerable<(string Line, int Number)> ShellLines(string text)
    {
        var inShell = false;
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && (trimmed == "```bash" || trimmed == "```sh" || trimmed == "```shell");
                continue;
            }

            if (inShell)
            {
                yield return (line, number);
            }
        }
    }

    [GeneratedRegex(@"--identifier-uris\s+(?<uri>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierUri();

    // A table row whose status cell is 401 and that says it is not retried.
    [GeneratedRegex(@"\|\s*401\s*\|.*not retried", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NotRetried401Row();

    [GeneratedRegex(@"such as 401", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SuchAs401();

    // 401 then, in the same sentence or cell, a claim that it is final.
    [GeneratedRegex(@"\b401\b[^.|]*(not retried|without a retry|permanent|straight to the dead-letter)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Permanent401();

    [GeneratedRegex(@"(not retried|permanent failure)[^.|]*\b401\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Permanent401Before();

    // A FunctionKey=... stack parameter override (not Bridge__FunctionKey, the local host's setting).
    [GeneratedRegex(@"(^|\s)FunctionKey=", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionKeyParameter();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=\$\(", RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentPrefix();

    [GeneratedRegex(@"\$\{?FUNCTION_KEY\b", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionKeyVariable();
}
