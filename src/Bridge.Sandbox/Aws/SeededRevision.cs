using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>
/// One entry of <c>pipelineExecution.artifactRevisions</c> as <see cref="FakeCodePipeline"/> answers it for a
/// <see cref="SeededExecution"/> (not the bridge's own <c>Bridge.Core.Revisions.ArtifactRevision</c>). The static
/// builders give the shapes each source provider really produces, so the bridge's revision parsing is tested against
/// realistic URLs and summaries.
/// </summary>
/// <param name="Name">Output artifact name (for example <c>SourceOutput</c>).</param>
/// <param name="RevisionId">Commit SHA for Git sources, object version id for S3.</param>
/// <param name="RevisionUrl">Provider link; null for S3 (the field is then omitted, as AWS does).</param>
/// <param name="RevisionSummary">Commit message, or a JSON string for CodeConnections sources.</param>
public sealed record SeededRevision(string Name, string RevisionId, string? RevisionUrl, string? RevisionSummary)
{
    public const string DefaultName = "SourceOutput";

    /// <summary>GitHub (version 1, OAuth) source action: <c>https://github.com/{owner}/{repo}/commit/{sha}</c>, plain-text summary.</summary>
    public static SeededRevision GitHubV1(string owner, string repo, string sha, string commitMessage = "Update", string name = DefaultName) =>
        new(name, sha, $"https://github.com/{owner}/{repo}/commit/{sha}", commitMessage);

    /// <summary>
    /// CodeConnections (formerly CodeStar Connections) source: a console redirect URL carrying the connection ARN,
    /// <c>FullRepositoryId</c> and <c>Commit</c>, and a JSON summary with <c>ProviderType</c>.
    /// </summary>
    /// <param name="providerType">GitHub, GitHubEnterpriseServer, Bitbucket or GitLab.</param>
    /// <param name="encodeConnectionArn">
    /// True (the default) URL-encodes the ARN in the query string. A captured real response has it raw
    /// (<c>connectionArn=arn:aws:codestar-connections:...</c>); pass false to test that form too.
    /// </param>
    public static SeededRevision CodeConnections(
        string region,
        string connectionArn,
        string fullRepositoryId,
        string sha,
        string providerType = "GitHub",
        string commitMessage = "Update",
        string name = DefaultName,
        bool encodeConnectionArn = true)
    {
        var arn = encodeConnectionArn ? Uri.EscapeDataString(connectionArn) : connectionArn;
        var url = $"https://{region}.console.aws.amazon.com/codesuite/settings/connections/redirect"
            + $"?connectionArn={arn}&referenceType=COMMIT&FullRepositoryId={fullRepositoryId}&Commit={sha}";
        var summary = ResponseWriter.JsonObject(("ProviderType", providerType), ("CommitMessage", commitMessage));
        return new(name, sha, url, summary);
    }

    /// <summary>A connection ARN of the modern form (<c>arn:aws:codeconnections:{region}:{account}:connection/{id}</c>).</summary>
    public static string ConnectionArn(string region, string accountId, string connectionId, string service = "codeconnections") =>
        $"arn:aws:{service}:{region}:{accountId}:connection/{connectionId}";

    /// <summary>S3 source: the revision id is an object version id and there is no URL. The bridge must skip it.</summary>
    public static SeededRevision S3(string versionId, string? summary = null, string name = DefaultName) =>
        new(name, versionId, null, summary);

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("revisionId", RevisionId);
        if (RevisionSummary is not null)
        {
            writer.WriteString("revisionSummary", RevisionSummary);
        }

        if (RevisionUrl is not null)
        {
            writer.WriteString("revisionUrl", RevisionUrl);
        }

        writer.WriteEndObject();
    }
}
