// Parameters for main.bicep. Values come from environment variables when set (so docs/deploy.md can
// be followed without editing this file), else from the defaults below. Deploy with:
//   az deployment group create -g <resource-group> -n bridge --parameters infra-bicep/main.bicepparam
using 'main.bicep'

// Short name used in every resource name (2-10 lowercase letters, digits, hyphens).
param baseName = readEnvironmentVariable('BRIDGE_BASE_NAME', 'cpbridge')

param tags = {
  workload: 'codepipeline-github-bridge'
}

// Flex Consumption sizing. One instance of the HTTP function is always ready (fixed in the template).
param instanceMemoryMB = 2048
param maximumInstanceCount = 40

// GitHub.com, or https://{host}/api/v3 for GitHub Enterprise Server.
param gitHubApiBaseUrl = readEnvironmentVariable('BRIDGE_GITHUB_API_BASE_URL', 'https://api.github.com')
param gitHubTokenSecretName = 'github-token'

// GitHub App instead of a token (docs/deploy.md, "GitHub App instead of a token"): the app id, and the
// Key Vault secret holding its private key (PEM). Empty app id: the token above is used.
param gitHubAppId = readEnvironmentVariable('BRIDGE_GITHUB_APP_ID', '')
param gitHubAppPrivateKeySecretName = readEnvironmentVariable('BRIDGE_GITHUB_APP_PRIVATE_KEY_SECRET_NAME', 'github-app-key')
// Optional, JSON: installation id per repository owner, e.g. {"my-org": 12345678}. Owners not listed are looked up.
param gitHubAppInstallationIds = json(readEnvironmentVariable('BRIDGE_GITHUB_APP_INSTALLATION_IDS', '{}'))

// GitHub Enterprise Server hosts side by side (docs/deploy.md), JSON, e.g.
//   [{"apiBaseUrl": "https://ghe.example.com/api/v3", "tokenSecretName": "ghe-token"}]
// or with an app: "appId": 12, "appPrivateKeySecretName": "ghe-app-key", "installationIds": {"my-org": 34}.
param gitHubEnterpriseHosts = json(readEnvironmentVariable('BRIDGE_GITHUB_ENTERPRISE_HOSTS', '[]'))

// The bridge's AWS role: output BridgeRoleArn of aws-eventbridge/bridge.yaml. Its name is a stack
// parameter (BridgeRoleName, default codepipeline-github-bridge), so it is known in advance:
//   arn:aws:iam::<aws-account-id>:role/codepipeline-github-bridge
param awsRoleArn = readEnvironmentVariable('BRIDGE_AWS_ROLE_ARN', '')
// More AWS accounts (optional, JSON): {"<account id>": "<role ARN in that account>"}; others use awsRoleArn.
param awsAccountRoleArns = json(readEnvironmentVariable('BRIDGE_AWS_ACCOUNT_ROLE_ARNS', '{}'))

// Region of the STS endpoint (AWS_REGION), e.g. where the pipelines run. Empty: us-east-1.
param awsRegion = readEnvironmentVariable('BRIDGE_AWS_REGION', '')

// TrustMode=AwsPrincipal only: the stack's ExternalId, and base credentials (an access key of the
// stack's TrustedPrincipalArn) read from the Key Vault secrets aws-access-key-id / aws-secret-access-key.
param awsExternalId = readEnvironmentVariable('BRIDGE_AWS_EXTERNAL_ID', '')
param awsBaseCredentialsInKeyVault = bool(readEnvironmentVariable('BRIDGE_AWS_BASE_CREDENTIALS_IN_KEY_VAULT', 'false'))

// TrustMode=EntraOidc (secretless, recommended): the Entra ID app ID URI, e.g. api://<application-id>,
// the same value as the stack's EntraAudience. Leave BRIDGE_AWS_EXTERNAL_ID unset with it.
param awsWebIdentityAudience = readEnvironmentVariable('BRIDGE_AWS_WEB_IDENTITY_AUDIENCE', '')

param ledgerTableName = 'statusledger'
// Rows not written for this many days are removed by the daily LedgerCleanup function.
param ledgerRetentionDays = int(readEnvironmentVariable('BRIDGE_LEDGER_RETENTION_DAYS', '30'))
param statusContextPrefix = 'codepipeline'
// true needs SendStageEvents=true in the stack.
param postStageStatuses = bool(readEnvironmentVariable('BRIDGE_POST_STAGE_STATUSES', 'false'))

param enableKeyVaultPurgeProtection = true

// Alerts (README, "Operations"): the action group to notify, e.g.
//   /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Insights/actionGroups/<name>
param alertActionGroupId = readEnvironmentVariable('BRIDGE_ALERT_ACTION_GROUP_ID', '')
// Hours without any event during working hours (UTC, Mon-Fri) before an alert; 0: off.
param idleAlertHours = int(readEnvironmentVariable('BRIDGE_IDLE_ALERT_HOURS', '0'))
// Check runs and GitHub's buttons (GitHub App only): docs/deploy.md, 3c.
param gitHubMode = readEnvironmentVariable('BRIDGE_GITHUB_MODE', 'Statuses')
param allowRerunFromGitHub = bool(readEnvironmentVariable('BRIDGE_ALLOW_RERUN_FROM_GITHUB', 'false'))
param gitHubWebhookSecretName = readEnvironmentVariable('BRIDGE_GITHUB_WEBHOOK_SECRET_NAME', 'github-webhook-secret')
