using Bridge.Adapters.Configuration;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// The data-annotation rules of <see cref="GitHubOptions"/> ([Range], [Required]), checked by code the options source
/// generator writes, not by reflection over the options type, which trimming and Native AOT cannot follow
/// (BENCHMARKS.md, Native AOT).
/// </summary>
[OptionsValidator]
internal sealed partial class GitHubOptionsRanges : IValidateOptions<GitHubOptions>;
