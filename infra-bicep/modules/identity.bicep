// The one user-assigned managed identity the bridge uses for everything: host storage, the
// deployment package, the ledger table, Key Vault, Application Insights ingestion and (secretless
// AWS) the Entra ID token exchanged for AWS credentials.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Client (application) id: AZURE_CLIENT_ID and the *__clientId settings.')
output clientId string = identity.properties.clientId

@description('Principal (object) id: role assignments, and the `sub` claim of its Entra ID tokens.')
output principalId string = identity.properties.principalId

@description('Name of the identity.')
output name string = identity.name
