// Everything one process needs to serve webhooks, built once: definition cache, secret cache and circuit
// breaker over the stores and the sandbox it is given. The Lambda handler and npm start build it from their
// configuration (webhookRuntimeFor); the bench builds it directly.
import type { FunctionConfig } from '../config/read.ts';
import { definitionCacheTtlMsDefault } from '../limits.ts';
import { DefinitionCache } from '../responders/definition-cache.ts';
import { type SecretCipher, secretCipherFor } from '../secrets/index.ts';
import { LocalSecretCipher } from '../secrets/local-cipher.ts';
import { SecretCache } from '../secrets/secret-cache.ts';
import { CircuitBreaker } from '../webhook/circuit-breaker.ts';
import type { ScriptRunner, WebhookDeps } from '../webhook/handle-webhook.ts';
import { type AppStores, openFunctionStores } from './stores.ts';

export interface WebhookRuntimeOptions {
  stores: AppStores;
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
  stores: AppStores;
}

export function createWebhookRuntime(options: WebhookRuntimeOptions): WebhookRuntime {
  const { stores } = options;
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

/** The webhook function's configuration, or npm start's with its SCRIPT_BREAKER (always on in Lambda). */
export type WebhookConfig = Omit<FunctionConfig, 'forwardAllowPrivate'> & { scriptBreaker?: boolean };

export async function webhookRuntimeFor(
  config: WebhookConfig,
  sandbox: ScriptRunner,
): Promise<WebhookRuntime> {
  return createWebhookRuntime({
    stores: openFunctionStores(config),
    sandbox,
    definitionCacheTtlMs: config.definitionCacheTtlMs,
    ...(config.scriptBreaker === false ? { breaker: false } : {}),
    secretCipher: await secretCipherFor(config),
  });
}
