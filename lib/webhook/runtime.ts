// Everything one process needs to serve webhooks, built once: stores, definition cache, sandbox.
// The Lambda handler builds it from the environment; the local server and the tests build it directly.
import { definitionCacheTtlMsDefault } from '../limits.ts';
import { DefinitionCache } from '../responders/definition-cache.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import { LocalSecretCipher } from '../secrets/local-cipher.ts';
import { SecretCache } from '../secrets/secret-cache.ts';
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
  /** Decrypts `context.secrets`; by default a key of this process alone (nothing stored elsewhere decrypts). */
  secretCipher?: SecretCipher;
  now?: () => number;
}

export interface WebhookRuntime {
  deps: WebhookDeps;
  definitions: DefinitionCache;
  secrets: SecretCache;
  secretCipher: SecretCipher;
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
    ...(options.now ? { now: options.now } : {}),
  });
  const secretCipher = options.secretCipher ?? new LocalSecretCipher();
  // The same TTL as the definitions: a changed secret is served within the time a changed responder is.
  const secrets = new SecretCache({
    load: (namespace) => stores.secrets.list(namespace),
    cipher: secretCipher,
    ttlMs: options.definitionCacheTtlMs ?? definitionCacheTtlMsDefault,
    ...(options.now ? { now: options.now } : {}),
  });
  const deps: WebhookDeps = { definitions, history: stores.history, sandbox: options.sandbox, secrets };
  if (options.breaker !== false) deps.breaker = new CircuitBreaker();
  return { deps, definitions, secrets, secretCipher, stores };
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
