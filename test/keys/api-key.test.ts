import { describe, expect, it } from 'vitest';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../lib/keys/api-key.ts';
import { authenticate } from '../../lib/keys/authenticate.ts';
import type { ApiKeyRecord } from '../../lib/keys/key-store.ts';

const storeOf = (records: ApiKeyRecord[]) => ({
  get: async (prefix: string) => records.find((record) => record.prefix === prefix),
});
const recordFor = (key: string, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  prefix: apiKeyPrefix(key),
  namespace: 'team-k',
  hash: hashApiKey(key).toString('hex'),
  createdAt: 0,
  ...extra,
});

describe('API keys', () => {
  it('generates wr_<id>_<32 random bytes> keys whose prefix names them without the secret', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^wr_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(12), 'base64url')).toHaveLength(32);
      expect(apiKeyPrefix(key)).toBe(key.slice(0, 11));
    }
  });

  it('names a key of any other form by its hash, so operator-chosen keys work too', () => {
    expect(apiKeyPrefix('my-local-key')).toMatch(/^custom_[0-9a-f]{12}$/);
    expect(apiKeyPrefix('my-local-key')).toBe(apiKeyPrefix('my-local-key'));
    expect(apiKeyPrefix('my-local-key')).not.toBe(apiKeyPrefix('my-local-kez'));
  });

  it('authenticates a stored key to its namespace', async () => {
    const key = generateApiKey();
    expect(await authenticate(`Bearer ${key}`, storeOf([recordFor(key)]))).toEqual({
      namespace: 'team-k',
      keyPrefix: apiKeyPrefix(key),
    });
    expect(await authenticate(`bearer   ${key}`, storeOf([recordFor(key)]))).toBeDefined();
  });

  it('refuses a key whose prefix is known but whose secret differs, a revoked key and malformed headers', async () => {
    const key = generateApiKey();
    const forged = `${key.slice(0, 12)}${'A'.repeat(43)}`;
    const store = storeOf([recordFor(key)]);
    expect(await authenticate(`Bearer ${forged}`, store)).toBeUndefined();
    expect(await authenticate(`Bearer ${key}`, storeOf([recordFor(key, { revokedAt: 1 })]))).toBeUndefined();
    for (const header of [
      undefined,
      '',
      key,
      `Token ${key}`,
      `Bearer ${key} x`,
      `Bearer ${'k'.repeat(257)}`,
    ]) {
      expect(await authenticate(header, store)).toBeUndefined();
    }
  });
});
