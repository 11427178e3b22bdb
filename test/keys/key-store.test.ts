// The API key store (key-store.ts) over each table client: a prefix is taken once unless replaced, a record
// reads back as stored, and revoking keeps the first revocation time.
import { describe, expect, it } from 'vitest';
import { ApiKeyExistsError, type ApiKeyRecord, DynamoApiKeyStore } from '../../lib/keys/key-store.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';

const record = (prefix: string, fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  prefix,
  namespace: 'acme',
  hash: 'ab'.repeat(32),
  createdAt: 1_700_000_000,
  ...fields,
});

describe.each(tableClientKinds)('DynamoDB API key store over the $name client', (kind) => {
  const db = useDynalite(kind);
  const store = () => new DynamoApiKeyStore({ client: db.stores.client, tableName: db.dynamo.tableName });

  it('reads back the record it stored, and nothing for an unknown prefix', async () => {
    await store().put(record('keys-read'));
    expect(await store().get('keys-read')).toEqual(record('keys-read'));
    expect(await store().get('keys-unknown')).toBeUndefined();
  });

  it('refuses a second key with a taken prefix and keeps the first, unless asked to replace it', async () => {
    await store().put(record('keys-taken'));
    await expect(store().put(record('keys-taken', { namespace: 'other' }))).rejects.toBeInstanceOf(
      ApiKeyExistsError,
    );
    expect((await store().get('keys-taken'))?.namespace).toBe('acme');
    await store().put(record('keys-taken', { namespace: 'other' }), { replace: true });
    expect((await store().get('keys-taken'))?.namespace).toBe('other');
  });

  it('revokes a key once: a second revocation keeps the first time, an unknown prefix answers false', async () => {
    await store().put(record('keys-revoke'));
    expect(await store().revoke('keys-revoke', 1_700_000_100)).toBe(true);
    expect(await store().revoke('keys-revoke', 1_700_000_200)).toBe(true);
    expect((await store().get('keys-revoke'))?.revokedAt).toBe(1_700_000_100);
    expect(await store().revoke('keys-unknown', 1_700_000_100)).toBe(false);
    expect(await store().get('keys-unknown')).toBeUndefined();
  });
});
