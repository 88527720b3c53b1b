using System.Net;
using System.Text.RegularExpressions;
using Bridge.Adapters.Configuration;
using Bridge.Core.Checks;
using Bridge.Core.Events;
using Bridge.Core.Handling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Adapters.Aws;

/// <summary>CodePipeline's GetPipelineExecution with the credentials of the event's account (section <c>Aws</c>).</summary>
public static partial class AwsServiceCollectionExtensions
{
    /// <summary>Pooled connections are renewed this often, so DNS changes of the AWS endpoints are picked up.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Binds and validates <c>Aws</c> (role ARNs, the account map, web identity versus external id) and registers
    /// <see cref="IExecutionSource"/>: the CodePipeline client, its STS-backed credentials and the endpoint overrides.
    /// </summary>
    public static IServiceCollection AddAwsExecutionSource(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.FirstTime<AwsOptions>()) return services;
        services.AddRequestBudget(configuration).AddAzureCredential();
        services.AddOptions<AwsOptions>().Bind(configuration.GetSection(AwsOptions.Section))
            .PostConfigure(o => (o.RoleArn, o.ExternalId, o.WebIdentityAudience) =
                (SettingValue.Unset(o.RoleArn), SettingValue.Unset(o.ExternalId), SettingValue.Unset(o.WebIdentityAudience)))
            .Validate(o => o.RoleArn is null || IsRoleArn(o.RoleArn), "Aws:RoleArn must look like arn:aws:iam::123456789012:role/name.")
            .Validate(o => o.AccountRoleArns.All(p => AwsNames.IsAccountId(p.Key) && IsRoleArn(p.Value)),
                "Aws:AccountRoleArns must map 12-digit account ids to role ARNs.")
            .Validate(o => o.WebIdentityAudience is null || o.RoleArn is not null || o.AccountRoleArns.Count > 0,
                "Aws:WebIdentityAudience needs a role to assume: set Aws:RoleArn or Aws:AccountRoleArns.")
            .Validate(o => o.WebIdentityAudience is null || o.ExternalId is null,
                "Aws:WebIdentityAudience and Aws:ExternalId are two different ways in: ExternalId applies only to AssumeRole with base credentials. Remove one.")
            .ValidateOnStart();

        services.TryAddSingleton(new AwsBaseCredentials());
        services.TryAddSingleton(new AwsEndpoints(configuration));
        services.TryAddSingleton<AwsCredentialSource>();
        services.TryAddSingleton<IExecutionSource>(sp => sp.GetRequiredService<CodePipelineClient>());
        services.TryAddSingleton<IPipelineActions>(sp => sp.GetRequiredService<CodePipelineClient>());
        services.TryAddSingleton(sp => new CodePipelineClient(
            sp.GetRequiredService<AwsCredentialSource>(), sp.GetRequiredService<AwsEndpoints>(),
            new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime, AutomaticDecompression = DecompressionMethods.All },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RequestBudget>()));
        return services;
    }

    private static bool IsRoleArn(string s) => RoleArn().IsMatch(s);

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArn();
}
