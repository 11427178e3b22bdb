// The batch loops (batch.ts) against the engine over each table client: more items than one call takes, with
// binary attributes, are written, read back byte for byte and deleted. (batch.test.ts covers throttling.)
import { describe, expect, it } from 'vitest';
import { batchDelete, batchGet, batchPut } from '../../../lib/store/dynamodb/batch.ts';
import { useDynalite } from '../../support/dynalite.ts';
import { tableClientKinds } from '../../support/table-clients.ts';

describe.each(tableClientKinds)('batch writes and reads over the $name client', (kind) => {
  const db = useDynalite(kind);
  // More than one BatchWriteItem (25) and one BatchGetItem (100) takes.
  const items = Array.from({ length: 130 }, (_, i) => ({
    pk: 'BATCH#table',
    sk: `ITEM#${String(i).padStart(3, '0')}`,
    data: Uint8Array.from([i, 255 - i, 0]),
    n: i,
  }));
  const keys = items.map(({ pk, sk }) => ({ pk, sk }));
  const bySk = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.sk).localeCompare(String(b.sk));

  it('puts and gets back every item, binary attributes byte for byte, then deletes them all', async () => {
    await batchPut(db.stores.client, db.dynamo.tableName, items);
    const found = await batchGet(db.stores.client, db.dynamo.tableName, keys, true);
    expect([...found].sort(bySk)).toEqual(items);
    await batchDelete(db.stores.client, db.dynamo.tableName, keys);
    expect(await batchGet(db.stores.client, db.dynamo.tableName, keys, true)).toEqual([]);
  });
});
