// The secret store (secret-store.ts) over each table client: ciphertexts come back byte for byte, a replacement
// keeps one item, and the cap per namespace holds without transactions, racing creates included.
import { describe, expect, it } from 'vitest';
import { DynamoSecretStore } from '../../../lib/store/dynamodb/secret-store.ts';
import { SecretLimitError } from '../../../lib/store/index.ts';
import { useDynalite } from '../../support/dynalite.ts';
import { tableClientKinds } from '../../support/table-clients.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe.each(tableClientKinds)('DynamoDB secret store over the $name client', (kind) => {
  const db = useDynalite(kind);
  const max = 2;
  const capped = (now = Date.now) =>
    new DynamoSecretStore({
      client: db.stores.client,
      tableName: db.dynamo.tableName,
      maxPerNamespace: max,
      now,
    });

  it('lists what it stored, ciphertexts byte for byte, in name order, and nothing of another namespace', async () => {
    const store = capped(() => 1_700_000_000_500);
    await store.put('secrets-a', 'B', bytes(0, 255, 128));
    await store.put('secrets-a', 'A', bytes(7));
    await store.put('secrets-other', 'C', bytes(1));
    expect(await store.list('secrets-a')).toEqual([
      { name: 'A', updatedAt: 1_700_000_000, ciphertext: bytes(7) },
      { name: 'B', updatedAt: 1_700_000_000, ciphertext: bytes(0, 255, 128) },
    ]);
  });

  it('replaces a secret in place, even at the cap', async () => {
    let nowMs = 1_700_000_000_000;
    const store = capped(() => nowMs);
    await store.put('secrets-replace', 'A', bytes(1));
    await store.put('secrets-replace', 'B', bytes(2));
    nowMs += 5_000;
    await store.put('secrets-replace', 'A', bytes(3));
    expect(await store.list('secrets-replace')).toEqual([
      { name: 'A', updatedAt: 1_700_000_005, ciphertext: bytes(3) },
      { name: 'B', updatedAt: 1_700_000_000, ciphertext: bytes(2) },
    ]);
  });

  it('refuses one secret more than the cap and keeps nothing of it', async () => {
    const store = capped();
    await store.put('secrets-full', 'A', bytes(1));
    await store.put('secrets-full', 'B', bytes(2));
    await expect(store.put('secrets-full', 'C', bytes(3))).rejects.toBeInstanceOf(SecretLimitError);
    expect((await store.list('secrets-full')).map((secret) => secret.name)).toEqual(['A', 'B']);
  });

  it('keeps at most one of several creates racing for the last place', async () => {
    const store = capped();
    await store.put('secrets-race', 'A', bytes(1));
    const racers = ['B', 'C', 'D', 'E'];
    const outcomes = await Promise.allSettled(
      racers.map((name) => store.put('secrets-race', name, bytes(2))),
    );
    const kept = (await store.list('secrets-race')).map((secret) => secret.name);
    expect(kept.length).toBeLessThanOrEqual(max);
    const created = racers.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    expect(kept).toEqual(['A', ...created]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(SecretLimitError);
    }
  });

  it('deletes a secret once: a second delete, or one of a name never stored, answers false', async () => {
    const store = capped();
    await store.put('secrets-delete', 'A', bytes(1));
    expect(await store.delete('secrets-delete', 'A')).toBe(true);
    expect(await store.delete('secrets-delete', 'A')).toBe(false);
    expect(await store.delete('secrets-delete', 'NEVER')).toBe(false);
    expect(await store.list('secrets-delete')).toEqual([]);
  });
});
