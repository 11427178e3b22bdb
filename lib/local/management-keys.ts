// API keys of the local server (docs/contract.md §8): API_KEY for the demo namespace (generated and printed when unset)
// and API_KEYS=ns1:key1,ns2:key2 for more. They are stored hashed in the table like any other key, so the
// local server authenticates exactly as a deployed stack does.
import { apiKeyPrefix, generateApiKey, hashApiKey, presentableKeyPattern } from '../keys/api-key.ts';
import type { ApiKeyStore } from '../keys/key-store.ts';
import { namespaceSchema } from '../responders/schema.ts';
import { demoNamespace } from './demo.ts';

export interface LocalApiKey {
  namespace: string;
  key: string;
  /** True when the key was made up at start (no API_KEY), so it must be printed to be usable. */
  generated: boolean;
}

/**
 * API_KEY and API_KEYS as lib/config read them, checked before the start does anything, so a bad setting stops
 * it with a clear message.
 */
export function localApiKeys(config: {
  apiKey?: string | undefined;
  apiKeys?: string | undefined;
}): LocalApiKey[] {
  const keys: LocalApiKey[] = [];
  if (config.apiKey) {
    keys.push({ namespace: demoNamespace, key: checkedKey('API_KEY', config.apiKey), generated: false });
  } else {
    keys.push({ namespace: demoNamespace, key: generateApiKey(), generated: true });
  }
  for (const entry of (config.apiKeys ?? '').split(',').filter((part) => part.trim() !== '')) {
    const colon = entry.indexOf(':');
    const namespace = entry.slice(0, colon).trim();
    if (colon === -1 || !namespaceSchema.safeParse(namespace).success) {
      throw new Error(
        `API_KEYS: "${entry.trim().split(':')[0]}" is not a namespace (2 to 40 of a-z, 0-9 and -, not "api"); expected ns1:key1,ns2:key2`,
      );
    }
    keys.push({
      namespace,
      key: checkedKey(`API_KEYS (${namespace})`, entry.slice(colon + 1).trim()),
      generated: false,
    });
  }
  // One key opens one namespace; the same key under two namespaces would silently keep only the last.
  const seen = new Map<string, string>();
  for (const { namespace, key } of keys) {
    const first = seen.get(key);
    if (first !== undefined)
      throw new Error(`API_KEYS: the key of ${namespace} is already the key of ${first}`);
    seen.set(key, namespace);
  }
  return keys;
}

function checkedKey(setting: string, key: string): string {
  if (!presentableKeyPattern.test(key)) {
    throw new Error(`${setting}: a key must be 1 to 256 visible ASCII characters (no spaces or commas)`);
  }
  if (key.includes(',')) throw new Error(`${setting}: a key must not contain a comma`);
  return key;
}

/** Stores every key (replacing what an earlier start with the same DATA_DIR stored under its prefix). */
export async function registerLocalApiKeys(store: ApiKeyStore, keys: readonly LocalApiKey[]): Promise<void> {
  const createdAt = Math.floor(Date.now() / 1000);
  for (const { namespace, key } of keys) {
    await store.put(
      { prefix: apiKeyPrefix(key), namespace, hash: hashApiKey(key).toString('hex'), createdAt },
      { replace: true },
    );
  }
}

/** What the start prints: which key opens which namespace, and a first call to try. */
export function localApiKeyLines(baseUrl: string, keys: readonly LocalApiKey[]): string[] {
  const lines = ['management API (Authorization: Bearer <key>):'];
  for (const { namespace, key, generated } of keys) {
    lines.push(`  ${namespace}: ${key}${generated ? ' (generated; set API_KEY to choose one)' : ''}`);
  }
  const demo = keys.find((entry) => entry.namespace === demoNamespace);
  if (demo) lines.push(`  curl -s -H 'authorization: Bearer ${demo.key}' ${baseUrl}/api/responders`);
  return lines;
}
