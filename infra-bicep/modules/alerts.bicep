// Azure Monitor alerts on the bridge's own metrics (OpenTelemetry meter CodePipelineGitHubBridge, exported by the
// function app to Application Insights' customMetrics table): answers EventBridge will not retry into success.

@description('Name prefix of the alert rules.')
param namePrefix string

@description('Azure region.')
param location string

@description('Tags for the rules.')
param tags object

@description('Resource id of the Application Insights component the bridge exports to.')
param appInsightsId string

@description('Resource id of the action group the alerts notify. Empty: the rules fire without notifying anyone.')
param actionGroupId string

@description('Transient answers (429/503) per 15 minutes that, three windows in a row, mean an upstream is down or throttling for good.')
@minValue(1)
param transientAnswersThreshold int

@description('Alert when no event arrived for this many hours during working hours (UTC, Monday to Friday). 0: off.')
@minValue(0)
@maxValue(24)
param idleHours int

@description('Working hours (UTC) for the idle alert: first hour.')
@minValue(0)
@maxValue(23)
param workingHoursStartUtc int

@description('Working hours (UTC) for the idle alert: hour they end (exclusive).')
@minValue(1)
@maxValue(24)
param workingHoursEndUtc int

var actions = empty(actionGroupId)
  ? {}
  : {
      actionGroups: [
        actionGroupId
      ]
    }

// bridge.events counts every answer by outcome and http.response.status_code (README, "Operations").
var answersByStatus = 'customMetrics | where name == "bridge.events" | extend status = toint(customDimensions["http.response.status_code"])'

resource misconfigured 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-misconfigured'
  location: location
  tags: tags
  properties: {
    displayName: 'Bridge answered 424 (misconfigured)'
    description: 'A credential, permission or setting is wrong: EventBridge retries for 24 hours, then the event goes to the dead-letter queue. Check the answer\'s detail in traces, fix, then redrive.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '${answersByStatus} | where status == 424 | summarize answers = sum(value)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'answers'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

resource transient 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-transient'
  location: location
  tags: tags
  properties: {
    displayName: 'Bridge answered 429/503 (transient) for 45 minutes'
    description: 'An upstream (GitHub, CodePipeline, STS, Key Vault, the ledger) keeps failing or throttling; bridge.upstream.duration by bridge.upstream and result names it.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '${answersByStatus} | where status in (429, 503) | summarize answers = sum(value)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'answers'
          operator: 'GreaterThanOrEqual'
          threshold: transientAnswersThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 3
            minFailingPeriodsToAlert: 3
          }
        }
      ]
    }
    actions: actions
  }
}

// bridge.repair.actions counts what each sweep did with a pending slot, by action (README, "Operations").
resource repairFailing 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-repair-failing'
  location: location
  tags: tags
  properties: {
    displayName: 'Repair sweep failing for an hour'
    description: 'The repair sweep could not close pending commit statuses (CodePipeline, GitHub or the ledger failed) in each of four 15-minute windows: commits stay pending. Traces "Repair: ... failed" name the slot and why.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "bridge.repair.actions" and tostring(customDimensions["action"]) == "failed" | summarize slots = sum(value)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'slots'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 4
            minFailingPeriodsToAlert: 4
          }
        }
      ]
    }
    actions: actions
  }
}

resource idle 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = if (idleHours > 0) {
  name: '${namePrefix}-idle'
  location: location
  tags: tags
  properties: {
    displayName: 'Bridge received no event for ${idleHours} hours during working hours'
    description: 'The EventBridge rule, its connection (function key) or the API destination may be broken: no pipeline change reached the bridge.'
    severity: 3
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT${idleHours}H'
    criteria: {
      allOf: [
        {
          query: 'let events = toscalar(customMetrics | where name == "bridge.events" | summarize sum(value)); print events = coalesce(events, 0.0), hour = hourofday(now()), day = toint(dayofweek(now()) / 1d) | where hour >= ${workingHoursStartUtc} and hour < ${workingHoursEndUtc} and day between (1 .. 5) and events == 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}
