namespace Bridge.Core.Text;

/// <summary>
/// The one rule for text that goes somewhere with a size limit or a reader (problem details, log lines, GitHub's
/// 140-character description): control and bidirectional-override characters become U+FFFD, so nothing can forge a
/// log line or reorder what a person reads, and at most <c>max</c> characters remain, the last an ellipsis when
/// anything was cut.
/// </summary>
public static class TextClip
{
    public static string Clip(string? text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (text is null) return "";
        var cut = text.Length > max;
        var span = cut ? text.AsSpan(0, max - 1) : text.AsSpan();
        if (!cut && !HasUnsafe(span)) return text;
        var chars = new char[span.Length + (cut ? 1 : 0)];
        for (var i = 0; i < span.Length; i++) chars[i] = IsUnsafe(span[i]) ? '\uFFFD' : span[i];
        if (cut) chars[^1] = '…';
        return new string(chars);
    }

    private static bool HasUnsafe(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (IsUnsafe(c)) return true;
        return false;
    }

    private static bool IsUnsafe(char c) => char.IsControl(c) || Unsafe.Contains(c);

    /// <summary>Marks and overrides that change the order text is shown in (U+061C, U+200E/F, U+202A–E, U+2066–9).</summary>
    private const string Unsafe = "\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";
}
