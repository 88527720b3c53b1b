// One storage account, reached with the managed identity only (shared keys disabled):
//  - the Functions host's storage (AzureWebJobsStorage__*) and the Flex Consumption deployment
//    package container: Storage Blob Data Owner on the account;
//  - the ordering ledger's table: Storage Table Data Contributor on that table only.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the account.')
param tags object

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Table of the ordering ledger (Ledger__TableName).')
param ledgerTableName string

@description('Principal (object) id of the function app\'s managed identity.')
param principalId string

var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource ledgerTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = {
  parent: tableService
  name: ledgerTableName
}

// Storage Blob Data Owner on the whole account: the minimum the Azure Functions documentation lists
// for an identity-based host storage connection (AzureWebJobsStorage__*): the host creates its own
// containers (azure-webjobs-hosts for locks and timer schedules, azure-webjobs-secrets for the
// function keys) at run time, so a container-scoped role cannot cover them; the platform also reads
// the deployment package from deploymentContainer with it.
// What it allows the identity (and so any code running as the function): read, write and delete
// every container and blob of this account, including the deployment package (the code the app
// runs) and the host's key store (the function keys EventBridge sends). It grants nothing on the
// table service (the ledger has its own table-scoped role) and nothing outside this account. Keep
// this account for the bridge alone; docs/deploy.md, step 2, says the same.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource ledgerTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ledgerTable.id, principalId, storageTableDataContributorRoleId)
  scope: ledgerTable
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Blob endpoint, e.g. https://{account}.blob.core.windows.net/')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Table endpoint for Ledger__TableServiceUri, e.g. https://{account}.table.core.windows.net/')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('URL of the deployment package container.')
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'

@description('Name of the ledger table.')
output ledgerTableName string = ledgerTable.name
