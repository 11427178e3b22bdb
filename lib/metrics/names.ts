// Metric names and the namespace (docs/contract.md §6). The CDK dashboard imports these, so code and dashboard cannot drift.
// The outcomes themselves belong to the sandbox and the responders; metrics only name them.
import type { AnswerOutcome } from '../responders/outcomes.ts';

export const metricsNamespace = 'WebhookResponders';
export const serviceDimension = 'Service';

export const metricNames = {
  scriptExecutionTime: 'ScriptExecutionTime',
  scriptMemoryUsed: 'ScriptMemoryUsed',
  requestLatency: 'RequestLatency',
  responderNotFound: 'ResponderNotFound',
  definitionCacheHit: 'DefinitionCacheHit',
  definitionCacheMiss: 'DefinitionCacheMiss',
  processMemoryRss: 'ProcessMemoryRss',
  sandboxRecycled: 'SandboxRecycled',
  historyWriteFailed: 'HistoryWriteFailed',
  storeUnavailable: 'StoreUnavailable',
  coldStart: 'ColdStart',
  upstreamRequests: 'UpstreamRequests',
  upstreamErrors: 'UpstreamErrors',
  upstreamLatency: 'UpstreamLatency',
} as const;

export function scriptOutcomeMetric(outcome: AnswerOutcome): string {
  return `ScriptOutcome_${outcome}`;
}
