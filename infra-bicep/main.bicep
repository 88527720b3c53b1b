// CodePipeline -> GitHub commit-status bridge: the Azure side.
// Deploy: see docs/deploy.md. Validate: tests/tools/validate-templates.sh.
//
//  identity    user-assigned managed identity, used for every connection
//  storage     host storage + deployment package container + ledger table (no shared keys)
//  keyvault    the GitHub token or GitHub App key (RBAC; Key Vault Secrets User for the identity on this vault only)
//  monitoring  Log Analytics + Application Insights with Entra ID ingestion only
//  functionapp Flex Consumption (FC1) Linux, dotnet-isolated 10.0, one always-ready HTTP instance

targetScope = 'resourceGroup'

import { gitHubEnterpriseHost } from 'modules/types.bicep'

@description('Azure region of every resource (one that offers Flex Consumption).')
param location string = resourceGroup().location

@description('Resource id of the Azure Monitor action group the alerts notify (README, "Operations"). Empty: the alerts fire without notifying.')
param alertActionGroupId string = ''

@description('Transient answers (429/503) per 15 minutes that, three windows in a row, raise an alert.')
@minValue(1)
param transientAnswersThreshold int = 5

@description('Alert when no event arrived for this many hours during working hours (UTC, Monday to Friday). 0: no such alert.')
@minValue(0)
@maxValue(24)
param idleAlertHours int = 0

@description('Working hours (UTC) of the idle alert: first hour, and the hour they end (exclusive).')
@minValue(0)
@maxValue(23)
param workingHoursStartUtc int = 7

@description('Working hours (UTC) of the idle alert: the hour they end (exclusive).')
@minValue(1)
@maxValue(24)
param workingHoursEndUtc int = 18

@description('Short name used to derive resource names (lowercase letters, digits and hyphens).')
@minLength(2)
@maxLength(10)
param baseName string = 'cpbridge'

@description('Tags applied to every resource.')
param tags object = {}

@description('Memory of each function instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the function app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('GitHub REST API base: https://api.github.com, or https://{host}/api/v3 for GitHub Enterprise Server.')
param gitHubApiBaseUrl string = 'https://api.github.com'

@description('Name of the Key Vault secret that holds the GitHub token (token mode: gitHubAppId empty).')
param gitHubTokenSecretName string = 'github-token'

@description('GitHub App instead of a token: the app id (digits). Empty or 0: token mode (gitHubTokenSecretName).')
param gitHubAppId string = ''

@description('GitHub App: name of the Key Vault secret that holds the app\'s private key (PEM). Used only with gitHubAppId.')
param gitHubAppPrivateKeySecretName string = 'github-app-key'

@description('GitHub App: what the bridge writes (GitHub__Mode): Statuses, Checks (check runs) or Both. Checks and Both need gitHubAppId.')
@allowed(['Statuses', 'Checks', 'Both'])
param gitHubMode string = 'Statuses'

@description('GitHub App: offer "Retry failed stage" on failed check runs and honour GitHub\'s Re-run (Checks__AllowRerun). Needs gitHubMode Checks or Both, and the webhook secret in Key Vault.')
param allowRerunFromGitHub bool = false

@description('GitHub App: name of the Key Vault secret holding the webhook secret GitHub signs check_run deliveries with (GitHub__WebhookSecretName, emitted with allowRerunFromGitHub only).')
param gitHubWebhookSecretName string = 'github-webhook-secret'

@description('GitHub App: installation id per repository owner, e.g. {"my-org": 12345678}. Owners not listed are looked up once (GET /repos/{owner}/{repo}/installation).')
param gitHubAppInstallationIds { *: int } = {}

@description('GitHub Enterprise Server hosts served side by side with gitHubApiBaseUrl (app settings GitHub__Enterprise__{n}__*); their secrets live in the same Key Vault.')
param gitHubEnterpriseHosts gitHubEnterpriseHost[] = []

@description('ARN of the AWS role the bridge assumes (output BridgeRoleArn of aws-eventbridge/bridge.yaml). Empty: the SDK\'s default credentials are used as they are.')
param awsRoleArn string = ''

@description('More AWS accounts: the role to assume per account id (the event\'s account), e.g. {"111122223333": "arn:aws:iam::111122223333:role/codepipeline-github-bridge"}. Accounts not listed use awsRoleArn.')
param awsAccountRoleArns { *: string } = {}

@description('sts:ExternalId the bridge sends with AssumeRole (TrustMode=AwsPrincipal). Empty: none. Not together with awsWebIdentityAudience (the bridge refuses to start).')
param awsExternalId string = ''

@description('Secretless AWS (TrustMode=EntraOidc, recommended): the Entra ID app ID URI (e.g. api://{application id}); the managed identity gets a token for it and the bridge exchanges it with sts:AssumeRoleWithWebIdentity for awsRoleArn. Equals the stack\'s EntraAudience. Empty: AssumeRole with base credentials.')
param awsWebIdentityAudience string = ''

@description('AWS region for STS calls (AWS_REGION), e.g. the region of the pipelines. Empty: us-east-1.')
param awsRegion string = ''

@description('TrustMode=AwsPrincipal only: read base AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) from the Key Vault secrets aws-access-key-id and aws-secret-access-key, through Key Vault references.')
param awsBaseCredentialsInKeyVault bool = false

@description('Table of the ordering ledger.')
param ledgerTableName string = 'statusledger'

@description('Ledger rows not written for this many days are removed by the daily LedgerCleanup function.')
@minValue(1)
@maxValue(3650)
param ledgerRetentionDays int = 30

@description('Statuses are posted with context {prefix}/{pipeline}.')
param statusContextPrefix string = 'codepipeline'

@description('Also post one status per stage (needs stage events from EventBridge: SendStageEvents=true).')
param postStageStatuses bool = false

@description('Key Vault purge protection (recommended for production; cannot be turned off again).')
param enableKeyVaultPurgeProtection bool = true

var suffix = take(uniqueString(subscription().id, resourceGroup().id, baseName), 8)
var compactBaseName = toLower(replace(baseName, '-', ''))
var identityName = 'id-${baseName}-${suffix}'
var storageAccountName = 'st${compactBaseName}${suffix}'
var keyVaultName = 'kv-${baseName}-${suffix}'
var workspaceName = 'log-${baseName}-${suffix}'
var appInsightsName = 'appi-${baseName}-${suffix}'
var planName = 'plan-${baseName}-${suffix}'
var functionAppName = 'func-${baseName}-${suffix}'
var deploymentContainerName = 'app-package-${suffix}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    ledgerTableName: ledgerTableName
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    enablePurgeProtection: enableKeyVaultPurgeProtection
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: 'alert-${baseName}'
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    actionGroupId: alertActionGroupId
    transientAnswersThreshold: transientAnswersThreshold
    idleHours: idleAlertHours
    workingHoursStartUtc: workingHoursStartUtc
    workingHoursEndUtc: workingHoursEndUtc
  }
}

// Takes outputs of storage, keyVault and monitoring, so it starts after their role assignments.
module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: functionAppName
    planName: planName
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    keyVaultUri: keyVault.outputs.vaultUri
    gitHubApiBaseUrl: gitHubApiBaseUrl
    gitHubTokenSecretName: gitHubTokenSecretName
    gitHubAppId: gitHubAppId
    gitHubAppPrivateKeySecretName: gitHubAppPrivateKeySecretName
    gitHubAppInstallationIds: gitHubAppInstallationIds
    gitHubMode: gitHubMode
    allowRerunFromGitHub: allowRerunFromGitHub
    gitHubWebhookSecretName: gitHubWebhookSecretName
    gitHubEnterpriseHosts: gitHubEnterpriseHosts
    awsRoleArn: awsRoleArn
    awsAccountRoleArns: awsAccountRoleArns
    awsExternalId: awsExternalId
    awsWebIdentityAudience: awsWebIdentityAudience
    awsBaseCredentialsInKeyVault: awsBaseCredentialsInKeyVault
    awsRegion: awsRegion
    ledgerTableServiceUri: storage.outputs.tableEndpoint
    ledgerTableName: storage.outputs.ledgerTableName
    ledgerRetentionDays: ledgerRetentionDays
    statusContextPrefix: statusContextPrefix
    postStageStatuses: postStageStatuses
  }
}

@description('URL for the CloudFormation parameter FunctionUrl (EventBridge API destination endpoint).')
output eventUrl string = functionApp.outputs.eventUrl

@description('Name of the function app (func azure functionapp publish / az functionapp deploy).')
output functionAppName string = functionApp.outputs.name

@description('Client id of the managed identity (AZURE_CLIENT_ID).')
output managedIdentityClientId string = identity.outputs.clientId

@description('Principal (object) id of the managed identity: the `sub` to trust in AWS (CloudFormation parameter ManagedIdentityPrincipalId).')
output managedIdentityPrincipalId string = identity.outputs.principalId

@description('Entra ID tenant: the OIDC issuer AWS trusts is https://sts.windows.net/{tenantId}/ (CloudFormation parameter EntraTenantId).')
output tenantId string = subscription().tenantId

@description('URL of the IAM OIDC identity provider for secretless AWS (the issuer of the managed identity\'s v1 tokens).')
output awsOidcProviderUrl string = 'https://sts.windows.net/${subscription().tenantId}/'

@description('The audience the bridge requests (Aws__WebIdentityAudience): the `aud` to trust in AWS (CloudFormation parameter EntraAudience). Empty: secretless AWS is off.')
output awsWebIdentityAudience string = awsWebIdentityAudience

@description('URI of the Key Vault holding the GitHub token or GitHub App key.')
output keyVaultUri string = keyVault.outputs.vaultUri

@description('Name of the Key Vault (az keyvault secret set --vault-name).')
output keyVaultName string = keyVault.outputs.name

@description('Name of the Application Insights component.')
output appInsightsName string = monitoring.outputs.appInsightsName
