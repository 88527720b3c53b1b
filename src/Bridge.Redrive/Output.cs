using System.Text;

namespace Bridge.Redrive;

/// <summary>
/// Every line the tool prints goes through here: the function key is masked wherever it appears (an answer could echo
/// it) and control characters from remote text (bodies, details) are dropped, so nothing can rewrite the terminal.
/// </summary>
internal sealed class Output(TextWriter stdout, TextWriter stderr, string? secret)
{
    private const int MaxLine = 2000;

    public void Say(string line) => stdout.WriteLine(Clean(line));

    public void Error(string line) => stderr.WriteLine(Clean(line));

    private string Clean(string line)
    {
        if (!string.IsNullOrEmpty(secret)) line = line.Replace(secret, "***", StringComparison.Ordinal);
        var text = new StringBuilder(Math.Min(line.Length, MaxLine));
        foreach (var c in line)
        {
            if (text.Length >= MaxLine) { text.Append('…'); break; }
            if (char.IsControl(c) && c != '\t') continue;
            // Bidirectional overrides could make a printed line read differently from what it is.
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') continue;
            text.Append(c);
        }
        return text.ToString();
    }
}
