// Bearer-key authentication: one answer for every failure (missing header, wrong scheme, malformed, unknown or
// revoked key), so a caller learns nothing about which keys exist.
import { timingSafeEqual } from 'node:crypto';
import { apiKeyPrefix, hashApiKey, presentableKeyPattern } from './api-key.ts';
import type { ApiKeyStore } from './key-store.ts';

export interface ApiKeyIdentity {
  namespace: string;
  /** Names the key in logs; never the key itself. */
  keyPrefix: string;
}

const bearerPattern = /^Bearer +(\S+)$/i;
/** Compared against when no record exists, so an unknown prefix costs the same comparison as a known one. */
const absentHash = Buffer.alloc(32);

export async function authenticate(
  authorization: string | undefined,
  keys: Pick<ApiKeyStore, 'get'>,
): Promise<ApiKeyIdentity | undefined> {
  const key = bearerPattern.exec(authorization ?? '')?.[1];
  if (!key || !presentableKeyPattern.test(key)) return undefined;
  const prefix = apiKeyPrefix(key);
  const record = await keys.get(prefix);
  // The item is read as stored: a record damaged by hand must fail closed like an unknown key, not throw a 500.
  const intact = typeof record?.hash === 'string' && typeof record.namespace === 'string';
  const stored = intact ? Buffer.from(record.hash, 'hex') : absentHash;
  const presented = hashApiKey(key);
  // Equal lengths by construction (both SHA-256), as timingSafeEqual requires; a damaged record fails closed.
  const matches = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!intact || !matches || record.revokedAt !== undefined) return undefined;
  return { namespace: record.namespace, keyPrefix: prefix };
}
