namespace Bridge.Core.Text;

/// <summary>
/// The one rule for cutting text that goes somewhere with a size limit (problem details, log lines, GitHub's
/// 140-character description): at most <c>max</c> characters, the last one an ellipsis when anything was cut.
/// </summary>
public static class TextClip
{
    public static string Clip(string? text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (text is null) return "";
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }
}
