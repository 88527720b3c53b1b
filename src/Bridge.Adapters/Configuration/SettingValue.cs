namespace Bridge.Adapters.Configuration;

/// <summary>How a bound setting is read.</summary>
internal static class SettingValue
{
    /// <summary>Templates and settings files write "" for "not used": a blank value counts as unset.</summary>
    public static string? Unset(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
