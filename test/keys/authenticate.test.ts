// SECURITY.md's claims about key checks, held here: an unknown prefix costs the same comparison as a known one
// (against a zero hash), a damaged key record never lets a caller in, and no key reaches the management logs.
import * as crypto from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../lib/keys/api-key.ts';
import { authenticate } from '../../lib/keys/authenticate.ts';
import type { ApiKeyRecord } from '../../lib/keys/key-store.ts';
import { handleManagement } from '../../lib/management/handle-management.ts';
import type { ManagementDeps } from '../../lib/management/types.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

afterEach(() => {
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

const key = generateApiKey();
const record = (fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  prefix: apiKeyPrefix(key),
  namespace: 'team-a',
  hash: hashApiKey(key).toString('hex'),
  createdAt: 1_795_608_000,
  ...fields,
});
const keysHolding = (held: ApiKeyRecord | undefined) => ({ get: async () => held });

describe('authenticate', () => {
  it('lets the holder of a stored key in, under the namespace of its record', async () => {
    expect(await authenticate(`Bearer ${key}`, keysHolding(record()))).toEqual({
      namespace: 'team-a',
      keyPrefix: apiKeyPrefix(key),
    });
  });

  it('compares an unknown prefix against a zero hash, as it would compare a stored one', async () => {
    expect(await authenticate(`Bearer ${key}`, keysHolding(undefined))).toBeUndefined();
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
    const [stored, presented] = vi.mocked(crypto.timingSafeEqual).mock.calls[0] ?? [];
    expect(Buffer.from(stored as Uint8Array).equals(Buffer.alloc(32))).toBe(true);
    expect(Buffer.from(presented as Uint8Array).equals(hashApiKey(key))).toBe(true);
  });

  it.each([
    ['an empty hash', ''],
    ['a hash that is not hex', 'z'.repeat(64)],
    ['a truncated hash', hashApiKey(key).toString('hex').slice(0, 40)],
    ['a hash with extra bytes', `${hashApiKey(key).toString('hex')}00`],
    ['the hash of another key', hashApiKey(generateApiKey()).toString('hex')],
  ])('refuses the key when its record holds %s', async (_damage, hash) => {
    expect(await authenticate(`Bearer ${key}`, keysHolding(record({ hash })))).toBeUndefined();
  });

  it.each([
    ['lost its hash', { hash: undefined }],
    ['a hash that is not a string', { hash: 42 }],
    ['a namespace that is not a string', { namespace: undefined }],
  ])('refuses the key, as an unknown one, when its record has %s', async (_damage, fields) => {
    const damaged = { ...record(), ...fields } as unknown as ApiKeyRecord;
    expect(await authenticate(`Bearer ${key}`, keysHolding(damaged))).toBeUndefined();
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});

describe('management logs', () => {
  /** Everything handed to the logger, as one text. */
  function capturingLogger(): { log: Logger; text: () => string } {
    const calls: unknown[][] = [];
    const capture = (...args: unknown[]) => {
      calls.push(args);
    };
    const log = { info: capture, warn: capture, error: capture, debug: capture } as unknown as Logger;
    return { log, text: () => JSON.stringify(calls, (_k, v) => (v instanceof Error ? String(v.stack) : v)) };
  }

  const deps = (held: ApiKeyRecord | undefined, list: () => Promise<unknown>) =>
    ({ keys: keysHolding(held), responders: { list } }) as unknown as ManagementDeps;
  const requestWith = (path: string, authorization: string) => ({
    requestId: 'r-1',
    method: 'GET',
    path,
    query: {},
    headers: { authorization },
    body: new Uint8Array(),
  });
  const secretOf = (k: string) => k.slice(apiKeyPrefix(k).length);

  it.each([
    ['an answered call', record(), '/api/responders', 200],
    ['a revoked key', record({ revokedAt: 1_795_608_001 }), '/api/responders', 401],
    ['an unknown key', undefined, '/api/responders', 401],
    ['an unmatched route', record(), '/api/nothing-here', 404],
  ])('carry the prefix of the key, never the key, for %s', async (_case, held, path, status) => {
    const { log, text } = capturingLogger();
    const response = await handleManagement(
      requestWith(path, `Bearer ${key}`),
      deps(held, async () => ({ items: [] })),
      log,
    );
    expect(response.statusCode).toBe(status);
    expect(text()).toContain('management request');
    expect(text()).not.toContain(secretOf(key));
    if (status !== 401) expect(text()).toContain(apiKeyPrefix(key));
  });

  it('carry no key when the store fails during the call', async () => {
    const { log, text } = capturingLogger();
    const response = await handleManagement(
      requestWith('/api/responders', `Bearer ${key}`),
      deps(record(), async () => {
        throw new TypeError('list exploded');
      }),
      log,
    );
    expect(response.statusCode).toBe(500);
    expect(text()).toContain('list exploded');
    expect(text()).not.toContain(secretOf(key));
  });
});
