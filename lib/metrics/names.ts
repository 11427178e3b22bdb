// Metric names and the namespace (SPEC §6). The CDK dashboard imports these, so code and dashboard cannot drift.
import type { ScriptOutcome } from '../sandbox/types.ts';

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

export const scriptOutcomes = [
  'ok',
  'timeout',
  'memory',
  'stack',
  'syntax',
  'error',
  'invalid',
  'unsettled',
] as const satisfies readonly ScriptOutcome[];

/** The outcome of an answer given without running the script, its circuit breaker being open (SPEC §10). */
export const breakerOutcome = 'breaker';
/** What a tracked request and the metrics can say about a script responder's answer. */
export const answerOutcomes = [...scriptOutcomes, breakerOutcome] as const;
export type AnswerOutcome = (typeof answerOutcomes)[number];

export function scriptOutcomeMetric(outcome: AnswerOutcome): string {
  return `ScriptOutcome_${outcome}`;
}
