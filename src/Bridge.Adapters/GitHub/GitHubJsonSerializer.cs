using System.Text.Json;
using System.Text.Json.Serialization;
using Octokit;
using Octokit.Internal;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Octokit's JSON seam (<see cref="IJsonSerializer"/>) with System.Text.Json source generation for the bridge's hot path
/// and Octokit's own reflection-based <see cref="SimpleJsonSerializer"/> for everything else, so every other type
/// behaves exactly as before.
/// </summary>
/// <remarks>
/// Source-generated: the request body <see cref="NewCommitStatus"/> (written directly:
/// <c>{"state","target_url","description","context"}</c>, nulls left out, the state as GitHub's lower-case word,
/// as Octokit writes it), and the responses <see cref="Octokit.CommitStatus"/> (one per event) and
/// <see cref="AccessToken"/> (one per installation an hour). Octokit's response models have private setters, so those
/// two are read into small wire records and built with Octokit's public constructors. A response that does not fit a
/// wire record (a state GitHub has added since, a field of another JSON type) is handed to Octokit's serializer whole,
/// so it is read as it was before. One instance is shared by every client: both halves are thread-safe.
/// </remarks>
public sealed class GitHubJsonSerializer : IJsonSerializer
{
    /// <summary>The one instance every client shares (Octokit's reflection caches warm up once, not per client).</summary>
    public static GitHubJsonSerializer Instance { get; } = new();

    private readonly SimpleJsonSerializer _octokit = new();

    public string Serialize(object item) => item is NewCommitStatus status
        ? JsonSerializer.Serialize(status, GitHubJsonContext.Default.NewCommitStatus)
        : _octokit.Serialize(item);

    public T Deserialize<T>(string json)
    {
        if (typeof(T) == typeof(Octokit.CommitStatus))
        {
            if (Read(json, GitHubJsonContext.Default.CommitStatusWire)?.ToOctokit() is { } status) return (T)(object)status;
        }
        else if (typeof(T) == typeof(AccessToken))
        {
            if (Read(json, GitHubJsonContext.Default.AccessTokenWire) is { Token: { } token } wire) return (T)(object)new AccessToken(token, wire.ExpiresAt);
        }
        return _octokit.Deserialize<T>(json);
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

    /// <summary>Null for a state Octokit's enum does not know: Octokit's serializer keeps the raw string, so it reads that one.</summary>
    public Octokit.CommitStatus? ToOctokit() => CommitStateJsonConverter.Parse(State) is { } state
        ? new Octokit.CommitStatus(CreatedAt, UpdatedAt, state, TargetUrl, Description, Context, Id, NodeId, Url, Creator?.ToOctokit())
        : null;
}

/// <summary>GitHub's simple-user object (a status's creator), with the fields Octokit's <see cref="User"/> constructor takes.</summary>
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
    public bool SiteAdmin { get; set; }

    public User ToOctokit() => new(AvatarUrl, null, null, 0, null, default, default, 0, Email, 0, 0, null, HtmlUrl, 0, Id, null, Login, Name, NodeId,
        0, null, 0, 0, 0, Url, null, SiteAdmin, null, null);
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
    Converters = [typeof(CommitStateJsonConverter)])]
[JsonSerializable(typeof(NewCommitStatus))]
[JsonSerializable(typeof(CommitStatusWire))]
[JsonSerializable(typeof(AccessTokenWire))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;
