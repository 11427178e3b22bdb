// One EMF record per webhook request (docs/contract.md §6). The facts of a request are collected in a plain object while
// it runs and written in one synchronous step at the end, so concurrent requests in one process (the local
// server, Lambda's multi-concurrency mode) never mix their values in Powertools' shared buffer.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { readLambdaEnvironment } from '../config/read.ts';
import { breakerOutcome } from '../responders/outcomes.ts';
import type { RecycleReason, ScriptOutcome, UpstreamRecord } from '../sandbox/types.ts';
import { metricNames, scriptOutcomeMetric } from './names.ts';
import { metrics } from './powertools.ts';

export interface RequestFacts {
  requestId: string;
  namespace: string;
  responderId?: string;
  latencyMs?: number;
  notFound?: boolean;
  cacheHit?: boolean;
  script?: {
    outcome: ScriptOutcome;
    durationMs: number;
    memoryBytes: number;
    recycled?: RecycleReason;
  };
  /** The script's calls to upstreams (docs/contract.md §13). */
  upstream?: UpstreamRecord[];
  /** Answered without running the script: its circuit breaker is open (docs/contract.md §10). */
  breakerOpen?: boolean;
  historyWriteFailed?: boolean;
  storeUnavailable?: boolean;
}

export type PublishRequestMetrics = (facts: RequestFacts) => void;

/**
 * The first request of an on-demand Lambda environment counts a cold start, in its own record (Powertools'
 * `captureColdStartMetric` would write a separate record with an extra lower-case `service` dimension).
 */
let coldStart = readLambdaEnvironment().lambdaInitializationType === 'on-demand';

/**
 * Reading the RSS is a read of /proc (7 µs here, several times that with other threads busy): once per
 * second is enough for a metric watched as a per-minute maximum.
 */
const rssSampleMs = 1000;
let rss = { bytes: 0, at: Number.NEGATIVE_INFINITY };
function processRssBytes(): number {
  const now = performance.now();
  if (now - rss.at >= rssSampleMs) rss = { bytes: process.memoryUsage.rss(), at: now };
  return rss.bytes;
}

export const publishRequestMetrics: PublishRequestMetrics = (facts) => {
  const add = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) =>
    metrics.addMetric(name, unit, value);
  add(metricNames.requestLatency, MetricUnit.Milliseconds, facts.latencyMs ?? 0);
  add(metricNames.processMemoryRss, MetricUnit.Bytes, processRssBytes());
  if (coldStart) {
    coldStart = false;
    add(metricNames.coldStart, MetricUnit.Count, 1);
  }
  if (facts.notFound) add(metricNames.responderNotFound, MetricUnit.Count, 1);
  if (facts.cacheHit !== undefined) {
    add(
      facts.cacheHit ? metricNames.definitionCacheHit : metricNames.definitionCacheMiss,
      MetricUnit.Count,
      1,
    );
  }
  if (facts.script) {
    add(metricNames.scriptExecutionTime, MetricUnit.Milliseconds, facts.script.durationMs);
    add(metricNames.scriptMemoryUsed, MetricUnit.Bytes, facts.script.memoryBytes);
    add(scriptOutcomeMetric(facts.script.outcome), MetricUnit.Count, 1);
    if (facts.script.recycled) {
      add(metricNames.sandboxRecycled, MetricUnit.Count, 1);
      metrics.addMetadata('recycleReason', facts.script.recycled);
    }
  }
  if (facts.upstream && facts.upstream.length > 0) {
    add(metricNames.upstreamRequests, MetricUnit.Count, facts.upstream.length);
    const errors = facts.upstream.filter((call) => call.error !== undefined).length;
    if (errors > 0) add(metricNames.upstreamErrors, MetricUnit.Count, errors);
    // One value per call: EMF keeps them as a list, so the percentiles are per call, not per request.
    for (const call of facts.upstream)
      add(metricNames.upstreamLatency, MetricUnit.Milliseconds, call.durationMs);
  }
  if (facts.breakerOpen) add(scriptOutcomeMetric(breakerOutcome), MetricUnit.Count, 1);
  if (facts.historyWriteFailed) add(metricNames.historyWriteFailed, MetricUnit.Count, 1);
  if (facts.storeUnavailable) add(metricNames.storeUnavailable, MetricUnit.Count, 1);
  // Properties, not dimensions: a dimension per namespace or responder would be a metric per user.
  metrics.addMetadata('requestId', facts.requestId);
  metrics.addMetadata('namespace', facts.namespace);
  if (facts.responderId) metrics.addMetadata('responderId', facts.responderId);
  metrics.publishStoredMetrics();
};
