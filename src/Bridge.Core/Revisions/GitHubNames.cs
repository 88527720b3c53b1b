using System.Text.RegularExpressions;

namespace Bridge.Core.Revisions;

/// <summary>What GitHub accepts as a commit SHA, an owner and a repository name. Nothing else is ever posted to.</summary>
public static partial class GitHubNames
{
    public static bool IsSha(string? s) => s is not null && ShaRegex().IsMatch(s);

    /// <summary>Users and organisations: letters, digits and hyphens, at most 39 (underscores appear on Enterprise Server).</summary>
    public static bool IsOwner(string? s) => s is not null && OwnerRegex().IsMatch(s);

    public static bool IsRepository(string? s) => s is not null && s != "." && s != ".." && RepoRegex().IsMatch(s);

    /// <summary>Splits "owner/repo" and validates both halves.</summary>
    public static bool TrySplitFullName(string? fullName, out string owner, out string repo)
    {
        owner = repo = "";
        if (fullName is null) return false;
        var parts = fullName.Split('/');
        if (parts.Length != 2 || !IsOwner(parts[0]) || !IsRepository(parts[1])) return false;
        (owner, repo) = (parts[0], parts[1]);
        return true;
    }

    [GeneratedRegex("^[0-9a-fA-F]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex ShaRegex();

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerRegex();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoRegex();
}
