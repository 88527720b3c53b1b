using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Octokit;
using Octokit.Internal;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Octokit's JSON seam (<see cref="IJsonSerializer"/>) with System.Text.Json source generation for everything the bridge
/// reads from and writes to GitHub, so nothing depends on reflection (the Kestrel host is published Native AOT).
/// </summary>
/// <remarks>
/// Any type in <see cref="GitHubJsonContext"/> is read and written by its generated code: the bridge's own wire types
/// (GitHubWire.cs: installations, the app, the user, check runs, status lists) and the request body
/// <see cref="NewCommitStatus"/> (<c>{"state","target_url","description","context"}</c>, nulls left out, the state as
/// GitHub's lower-case word, as Octokit writes it). Three Octokit models are built from wire records because Octokit's
/// API hands them back: <see cref="Octokit.CommitStatus"/> (one per event), <see cref="AccessToken"/> (one per
/// installation an hour), and the publisher's <see cref="StatusCreateAnswer"/>, which is never a failure: a 201 whose
/// body is not a status is read as "no status", so Octokit still hands back the response. Octokit's response models have
/// private setters, so they are built as Octokit's serializer builds them (<see cref="OctokitModels"/>).
/// Anything else (a status body that does not fit its wire record, a type the bridge never asks for) goes to Octokit's
/// own serializer, as before. One instance is shared by every client: both halves are thread-safe.
/// </remarks>
public sealed class GitHubJsonSerializer : IJsonSerializer
{
    /// <summary>The one instance every client shares (Octokit's reflection caches warm up once, not per client).</summary>
    public static GitHubJsonSerializer Instance { get; } = new();

    private readonly SimpleJsonSerializer _octokit = new();

    public string Serialize(object item) => GitHubJsonContext.Default.GetTypeInfo(item.GetType()) is { } type
        ? JsonSerializer.Serialize(item, type)
        : _octokit.Serialize(item);

    public T Deserialize<T>(string json)
    {
        // The bridge's own wire types (GitHubWire.cs): generated code only; a body that does not fit throws JsonException.
        if (GitHubJsonContext.Default.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> own)
            return JsonSerializer.Deserialize(json, own)!;
        if (typeof(T) == typeof(Octokit.CommitStatus))
        {
            if (Read(json, GitHubJsonContext.Default.CommitStatusWire)?.ToOctokit() is { } status) return (T)(object)status;
        }
        else if (typeof(T) == typeof(StatusCreateAnswer))
        {
            return (T)(object)new StatusCreateAnswer(CreatedStatusOrNull(json));
        }
        else if (typeof(T) == typeof(AccessToken))
        {
            if (Read(json, GitHubJsonContext.Default.AccessTokenWire) is { Token: { } token } wire) return (T)(object)new AccessToken(token, wire.ExpiresAt);
        }
        return _octokit.Deserialize<T>(json);
    }

    /// <summary>A status POST's answer body: the status, or null when it is none (the 201 still counts, see <see cref="StatusCreateAnswer"/>).</summary>
    private Octokit.CommitStatus? CreatedStatusOrNull(string json)
    {
        if (Read(json, GitHubJsonContext.Default.CommitStatusWire)?.ToOctokit() is { } status) return status;
        try
        {
            return _octokit.Deserialize<Octokit.CommitStatus>(json);
        }
#pragma warning disable CA1031 // whatever Octokit's reader throws on a body that is not a status, the answer is "no status read"
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static TWire? Read<TWire>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TWire> type) where TWire : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null; // Octokit's serializer reads it (or fails) as it always did
        }
    }
}

/// <summary>Octokit's <see cref="CommitState"/> as GitHub spells it (Octokit's <c>[Parameter]</c> values).</summary>
internal sealed class CommitStateJsonConverter : JsonConverter<CommitState>
{
    public static string WireName(CommitState state) => state switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "success",
        CommitState.Error => "error",
        CommitState.Failure => "failure",
        _ => throw new JsonException($"Octokit's CommitState {state} has no GitHub name known to the bridge."),
    };

    public static CommitState? Parse(string? value) => value switch
    {
        "pending" => CommitState.Pending,
        "success" => CommitState.Success,
        "error" => CommitState.Error,
        "failure" => CommitState.Failure,
        _ => null,
    };

    public override CommitState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString()) ?? throw new JsonException("Not a GitHub commit state.");

    public override void Write(Utf8JsonWriter writer, CommitState value, JsonSerializerOptions options) => writer.WriteStringValue(WireName(value));
}

/// <summary>Times as GitHub documents them (<c>YYYY-MM-DDTHH:MM:SSZ</c>, UTC, whole seconds), as Octokit writes them; any ISO 8601 time is read.</summary>
internal sealed class GitHubTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>GitHub's commit status response (the fields Octokit's <see cref="Octokit.CommitStatus"/> carries).</summary>
internal sealed class CommitStatusWire
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? State { get; set; }
    public string? TargetUrl { get; set; }
    public string? Description { get; set; }
    public string? Context { get; set; }
    public long Id { get; set; }
    public string? NodeId { get; set; }
    public string? Url { get; set; }
    public SimpleUserWire? Creator { get; set; }

    /// <summary>Null when only Octokit's serializer can read it (see <see cref="OctokitModels"/>).</summary>
    public Octokit.CommitStatus? ToOctokit() => State is null ? null : OctokitModels.CommitStatus(this);
}

/// <summary>GitHub's simple-user object (a status's creator): the fields of it that Octokit's <see cref="User"/> has.</summary>
internal sealed class SimpleUserWire
{
    public string? Login { get; set; }
    public long Id { get; set; }
    public string? NodeId { get; set; }
    public string? AvatarUrl { get; set; }
    public string? Url { get; set; }
    public string? HtmlUrl { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Type { get; set; }
    public bool SiteAdmin { get; set; }
}

/// <summary>
/// Builds Octokit's read-only response models from the wire records. Octokit's public constructors convert the state
/// enum to its string by reflection on every call (about 5 µs and 400 B for a status, as much again for its creator),
/// which would give back much of what source generation saves; so the models are filled through their private setters
/// with <see cref="UnsafeAccessorAttribute"/> (bound at compile time, no reflection), exactly as Octokit's serializer
/// fills them. Should a later Octokit drop a setter, the first call finds out and the public constructors take over.
/// </summary>
internal static class OctokitModels
{
    private static volatile bool s_settersMissing;

    public static Octokit.CommitStatus? CommitStatus(CommitStatusWire w)
    {
        if (!s_settersMissing)
        {
            try
            {
                return ThroughSetters(w);
            }
            catch (MissingMemberException)
            {
                s_settersMissing = true;
            }
        }
        return ThroughConstructors(w);
    }

    /// <summary>Octokit's public constructors: they take only the states Octokit's enum knows; any other is left to Octokit's serializer.</summary>
    internal static Octokit.CommitStatus? ThroughConstructors(CommitStatusWire w) => CommitStateJsonConverter.Parse(w.State) is { } state
        ? new Octokit.CommitStatus(w.CreatedAt, w.UpdatedAt, state, w.TargetUrl, w.Description, w.Context, w.Id, w.NodeId, w.Url,
            w.Creator is { } c ? new User(c.AvatarUrl, null, null, 0, null, default, default, 0, c.Email, 0, 0, null, c.HtmlUrl, 0, c.Id, null,
                c.Login, c.Name, c.NodeId, 0, null, 0, 0, 0, c.Url, null, c.SiteAdmin, null, null) : null)
        : null;

    [MethodImpl(MethodImplOptions.NoInlining)] // a missing setter must throw here, inside the caller's try
    private static Octokit.CommitStatus ThroughSetters(CommitStatusWire w)
    {
        var s = new Octokit.CommitStatus();
        S.CreatedAt(s, w.CreatedAt);
        S.UpdatedAt(s, w.UpdatedAt);
        S.State(s, new StringEnum<CommitState>(w.State!)); // keeps GitHub's word, as Octokit does, even one its enum lacks
        S.TargetUrl(s, w.TargetUrl);
        S.Description(s, w.Description);
        S.Context(s, w.Context);
        S.Id(s, w.Id);
        S.NodeId(s, w.NodeId);
        S.Url(s, w.Url);
        if (w.Creator is { } c)
        {
            var u = new User();
            S.Login(u, c.Login);
            S.Id(u, c.Id);
            S.NodeId(u, c.NodeId);
            S.AvatarUrl(u, c.AvatarUrl);
            S.Url(u, c.Url);
            S.HtmlUrl(u, c.HtmlUrl);
            S.Name(u, c.Name);
            S.Email(u, c.Email);
            S.Type(u, Enum.TryParse<AccountType>(c.Type, ignoreCase: true, out var type) ? type : null);
            S.SiteAdmin(u, c.SiteAdmin);
            S.Creator(s, u);
        }
        return s;
    }

    /// <summary>Octokit's private and protected setters (Account declares the user fields, User only SiteAdmin).</summary>
    private static class S
    {
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_CreatedAt")] public static extern void CreatedAt(Octokit.CommitStatus o, DateTimeOffset v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_UpdatedAt")] public static extern void UpdatedAt(Octokit.CommitStatus o, DateTimeOffset v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_State")] public static extern void State(Octokit.CommitStatus o, StringEnum<CommitState> v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_TargetUrl")] public static extern void TargetUrl(Octokit.CommitStatus o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Description")] public static extern void Description(Octokit.CommitStatus o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Context")] public static extern void Context(Octokit.CommitStatus o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Id")] public static extern void Id(Octokit.CommitStatus o, long v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_NodeId")] public static extern void NodeId(Octokit.CommitStatus o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Url")] public static extern void Url(Octokit.CommitStatus o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Creator")] public static extern void Creator(Octokit.CommitStatus o, User v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Login")] public static extern void Login(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Id")] public static extern void Id(Account o, long v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_NodeId")] public static extern void NodeId(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_AvatarUrl")] public static extern void AvatarUrl(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Url")] public static extern void Url(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_HtmlUrl")] public static extern void HtmlUrl(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Name")] public static extern void Name(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Email")] public static extern void Email(Account o, string? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Type")] public static extern void Type(Account o, AccountType? v);
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_SiteAdmin")] public static extern void SiteAdmin(User o, bool v);
    }
}

/// <summary>GitHub's installation access token response (what Octokit's <see cref="AccessToken"/> carries).</summary>
internal sealed class AccessTokenWire
{
    public string? Token { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CommitStateJsonConverter), typeof(GitHubTimeJsonConverter)])]
[JsonSerializable(typeof(NewCommitStatus))]
[JsonSerializable(typeof(CommitStatusWire))]
[JsonSerializable(typeof(AccessTokenWire))]
[JsonSerializable(typeof(List<CommitStatusWire>))]
[JsonSerializable(typeof(InstallationWire))]
[JsonSerializable(typeof(AppWire))]
[JsonSerializable(typeof(UserWire))]
[JsonSerializable(typeof(CheckRunWire))]
[JsonSerializable(typeof(CheckRunsWire))]
[JsonSerializable(typeof(CheckRunBody))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
