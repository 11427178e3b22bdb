// Everything one process needs to serve webhooks, built once: stores, definition cache, sandbox.
// The Lambda handler builds it from the environment; the local server and the tests build it directly.
import { definitionCacheTtlMsDefault } from '../limits.ts';
import { DefinitionCache } from '../responders/definition-cache.ts';
import { createStores, type Stores } from '../store/index.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { ScriptRunner, WebhookDeps } from './handle-webhook.ts';

export interface WebhookRuntimeOptions {
  tableName: string;
  /** A local DynamoDB (dynalite, DynamoDB Local); AWS when unset. */
  endpoint?: string;
  definitionCacheTtlMs?: number;
  sandbox: ScriptRunner;
  /** False turns the circuit breaker off (a load test of the sandbox itself wants every script to run). */
  breaker?: boolean;
}

export interface WebhookRuntime {
  deps: WebhookDeps;
  definitions: DefinitionCache;
  stores: Stores;
}

export function createWebhookRuntime(options: WebhookRuntimeOptions): WebhookRuntime {
  const stores = createStores({
    tableName: options.tableName,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const definitions = new DefinitionCache({
    load: (namespace) => stores.responders.listAll(namespace),
    ttlMs: options.definitionCacheTtlMs ?? definitionCacheTtlMsDefault,
  });
  const deps: WebhookDeps = { definitions, history: stores.history, sandbox: options.sandbox };
  if (options.breaker !== false) deps.breaker = new CircuitBreaker();
  return { deps, definitions, stores };
}

/** TABLE_NAME (required), DYNAMODB_ENDPOINT, DEFINITION_CACHE_TTL_MS. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  return {
    tableName,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    definitionCacheTtlMs: definitionCacheTtlFromEnv(env),
  };
}

export function definitionCacheTtlFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const ttl = env.DEFINITION_CACHE_TTL_MS;
  if (ttl === undefined || ttl === '') return definitionCacheTtlMsDefault;
  const ms = Number(ttl);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(
      `DEFINITION_CACHE_TTL_MS must be a number of milliseconds >= 0, not ${JSON.stringify(ttl)}`,
    );
  }
  return ms;
}
