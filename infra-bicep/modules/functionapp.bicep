// Flex Consumption (FC1) Linux function app running the bridge (.NET 10 isolated worker).
// Every connection uses the user-assigned identity: no keys or connection strings in settings.

import { gitHubEnterpriseHost } from 'types.bicep'

@description('Name of the function app (also its host name: {name}.azurewebsites.net).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan and the app.')
param tags object

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account used as the host storage (AzureWebJobsStorage).')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

// The bridge's settings: each {Section}__{Property} binds a property of an options class in
// src/Bridge.Adapters/Configuration (tests/Bridge.Infra.Tests checks the names against them).

@description('KeyVault__VaultUri: the vault holding the GitHub token or GitHub App key.')
param keyVaultUri string

@description('GitHub__ApiBaseUrl: https://api.github.com, or https://{host}/api/v3 for GitHub Enterprise Server.')
param gitHubApiBaseUrl string

@description('GitHub__TokenSecretName: name of the Key Vault secret holding the token (emitted in token mode only).')
param gitHubTokenSecretName string

@description('GitHub__AppId: the GitHub App to authenticate as. Empty or 0: token mode.')
param gitHubAppId string

@description('GitHub__AppPrivateKeySecretName: name of the Key Vault secret holding the app\'s private key (emitted with gitHubAppId only).')
param gitHubAppPrivateKeySecretName string

@description('GitHub__InstallationIds__{owner}: the app\'s installation id per owner (emitted with gitHubAppId only).')
param gitHubAppInstallationIds { *: int }

@description('GitHub__Mode: Statuses, Checks or Both (emitted with gitHubAppId only).')
@allowed(['Statuses', 'Checks', 'Both'])
param gitHubMode string

@description('Checks__AllowRerun: GitHub\'s buttons may act in AWS (emitted with gitHubAppId only, with GitHub__WebhookSecretName).')
param allowRerunFromGitHub bool

@description('GitHub__WebhookSecretName: the Key Vault secret GitHub signs check_run deliveries with.')
param gitHubWebhookSecretName string

@description('GitHub__Enterprise__{n}__*: GitHub Enterprise Server hosts side by side.')
param gitHubEnterpriseHosts gitHubEnterpriseHost[]

@description('Aws__RoleArn: role assumed to call GetPipelineExecution. Empty: the setting is omitted.')
param awsRoleArn string

@description('Aws__AccountRoleArns__{account}: the role to assume per AWS account id.')
param awsAccountRoleArns { *: string }

@description('Aws__ExternalId: sts:ExternalId sent with AssumeRole. Empty: the setting is omitted.')
param awsExternalId string

@description('Aws__WebIdentityAudience (secretless AWS): the Entra ID app ID URI; the managed identity\'s token for it is exchanged with sts:AssumeRoleWithWebIdentity. Empty: the setting is omitted.')
param awsWebIdentityAudience string

@description('Base AWS credentials for sts:AssumeRole (TrustMode=AwsPrincipal): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY become Key Vault references to the secrets aws-access-key-id and aws-secret-access-key.')
param awsBaseCredentialsInKeyVault bool

@description('AWS_REGION: region of the STS endpoint the bridge uses (the SDK default chain reads it). Empty: the setting is omitted (the bridge then uses us-east-1).')
param awsRegion string

@description('Ledger__TableServiceUri: table endpoint of the ordering ledger.')
param ledgerTableServiceUri string

@description('Ledger__TableName: table of the ordering ledger.')
param ledgerTableName string

@description('Ledger__RetentionDays: rows not written for this many days are removed by LedgerCleanup.')
param ledgerRetentionDays int

@description('Statuses__ContextPrefix: statuses are posted with context {prefix}/{pipeline}.')
param statusContextPrefix string

@description('Statuses__PostStageStatuses: also post one status per stage.')
param postStageStatuses bool

var baseAppSettings = [
  // Host storage through the managed identity (no AccountKey anywhere).
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storageAccountName
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  // Telemetry with Entra ID authentication (the component has local auth disabled).
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD;ClientId=${identityClientId}'
  }
  // DefaultAzureCredential picks the user-assigned identity from this.
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  {
    name: 'KeyVault__VaultUri'
    value: keyVaultUri
  }
  {
    name: 'GitHub__ApiBaseUrl'
    value: gitHubApiBaseUrl
  }
  {
    name: 'Ledger__TableServiceUri'
    value: ledgerTableServiceUri
  }
  {
    name: 'Ledger__TableName'
    value: ledgerTableName
  }
  // The ledger table is created by this deployment (storage.bicep), and the identity holds Storage
  // Table Data Contributor on that table only, which does not include creating tables: this tells
  // the app not to try (it needs no Create Table permission).
  {
    name: 'Ledger__TableProvisioned'
    value: 'true'
  }
  {
    name: 'Ledger__RetentionDays'
    value: string(ledgerRetentionDays)
  }
  {
    name: 'Statuses__ContextPrefix'
    value: statusContextPrefix
  }
  {
    name: 'Statuses__PostStageStatuses'
    value: postStageStatuses ? 'true' : 'false'
  }
]

// github.com (or the one host of gitHubApiBaseUrl): a token, or a GitHub App. Both in one would be refused at start-up.
var useGitHubApp = !empty(gitHubAppId) && gitHubAppId != '0'
var gitHubCredentialAppSettings = useGitHubApp
  ? concat(
      [
        {
          name: 'GitHub__AppId'
          value: gitHubAppId
        }
        {
          name: 'GitHub__AppPrivateKeySecretName'
          value: gitHubAppPrivateKeySecretName
        }
        {
          name: 'GitHub__Mode'
          value: gitHubMode
        }
      ],
      allowRerunFromGitHub
        ? [
            {
              name: 'Checks__AllowRerun'
              value: 'true'
            }
            {
              name: 'GitHub__WebhookSecretName'
              value: gitHubWebhookSecretName
            }
          ]
        : [],
      map(items(gitHubAppInstallationIds), owner => {
        name: 'GitHub__InstallationIds__${owner.key}'
        value: string(owner.value)
      })
    )
  : [
      {
        name: 'GitHub__TokenSecretName'
        value: gitHubTokenSecretName
      }
    ]

// GitHub Enterprise Server hosts: GitHub__Enterprise__{n}__{Property}, only the properties given.
var gitHubEnterpriseAppSettings = flatten(map(gitHubEnterpriseHosts, (host, n) => concat(
  [
    {
      name: 'GitHub__Enterprise__${n}__ApiBaseUrl'
      value: host.apiBaseUrl
    }
  ],
  empty(host.?host ?? '')
    ? []
    : [
        {
          name: 'GitHub__Enterprise__${n}__Host'
          value: host.?host ?? ''
        }
      ],
  empty(host.?tokenSecretName ?? '')
    ? []
    : [
        {
          name: 'GitHub__Enterprise__${n}__TokenSecretName'
          value: host.?tokenSecretName ?? ''
        }
      ],
  (host.?appId ?? 0) == 0
    ? []
    : [
        {
          name: 'GitHub__Enterprise__${n}__AppId'
          value: string(host.?appId ?? 0)
        }
      ],
  empty(host.?appPrivateKeySecretName ?? '')
    ? []
    : [
        {
          name: 'GitHub__Enterprise__${n}__AppPrivateKeySecretName'
          value: host.?appPrivateKeySecretName ?? ''
        }
      ],
  map(items(host.?installationIds ?? {}), owner => {
    name: 'GitHub__Enterprise__${n}__InstallationIds__${owner.key}'
    value: string(owner.value)
  }),
  map(host.?connectionArns ?? [], (arn, i) => {
    name: 'GitHub__Enterprise__${n}__ConnectionArns__${i}'
    value: arn
  })
)))

// Settings that exist only when given: an empty string would bind "" instead of "unset".
var optionalAppSettings = concat(
  empty(awsRoleArn)
    ? []
    : [
        {
          name: 'Aws__RoleArn'
          value: awsRoleArn
        }
      ],
  map(items(awsAccountRoleArns), account => {
    name: 'Aws__AccountRoleArns__${account.key}'
    value: account.value
  }),
  empty(awsExternalId)
    ? []
    : [
        {
          name: 'Aws__ExternalId'
          value: awsExternalId
        }
      ],
  empty(awsWebIdentityAudience)
    ? []
    : [
        {
          name: 'Aws__WebIdentityAudience'
          value: awsWebIdentityAudience
        }
      ],
  empty(awsRegion)
    ? []
    : [
        {
          name: 'AWS_REGION'
          value: awsRegion
        }
      ],
  // Key Vault references (resolved by the platform with keyVaultReferenceIdentity), not secrets.
  awsBaseCredentialsInKeyVault
    ? [
        {
          name: 'AWS_ACCESS_KEY_ID'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/aws-access-key-id)'
        }
        {
          name: 'AWS_SECRET_ACCESS_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/aws-secret-access-key)'
        }
      ]
    : []
)

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    keyVaultReferenceIdentity: identityId
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(baseAppSettings, gitHubCredentialAppSettings, gitHubEnterpriseAppSettings, optionalAppSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // One instance of the HTTP function group stays warm: a cold start would not answer
        // within EventBridge's 5-second API destination timeout.
        alwaysReady: [
          {
            name: 'http'
            instanceCount: 1
          }
        ]
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments and the Kudu/SCM site accept Entra ID tokens only (az functionapp deploy, func publish).
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name, e.g. {name}.azurewebsites.net')
output defaultHostName string = site.properties.defaultHostName

// Route of the HTTP function that receives EventBridge's API destination calls (function CodePipelineEvents).
@description('URL EventBridge posts the CodePipeline events to.')
output eventUrl string = 'https://${site.properties.defaultHostName}/api/codepipeline-events'
