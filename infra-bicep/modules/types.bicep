// Types shared by main.bicep and modules/functionapp.bicep (compile-time imports; declares no resources).

@export()
@description('A GitHub Enterprise Server host served side by side with github.com: app settings GitHub__Enterprise__{n}__*. Give it a token secret or a GitHub App (app id + private key secret), not both.')
type gitHubEnterpriseHost = {
  @description('ApiBaseUrl: https://{host}/api/v3')
  apiBaseUrl: string

  @description('Host: the web host whose commits get statuses. Omitted: the host of apiBaseUrl.')
  host: string?

  @description('TokenSecretName: Key Vault secret (same vault) holding a token for this host.')
  tokenSecretName: string?

  @description('AppId: authenticate as this GitHub App (registered on the Enterprise host).')
  appId: int?

  @description('AppPrivateKeySecretName: Key Vault secret (same vault) holding the app\'s private key (PEM).')
  appPrivateKeySecretName: string?

  @description('InstallationIds: the app\'s installation id per repository owner; owners not listed are looked up.')
  installationIds: { *: int }?

  @description('ConnectionArns: the CodeConnections connection ARNs that point at this host (needed only with several Enterprise hosts).')
  connectionArns: string[]?
}
