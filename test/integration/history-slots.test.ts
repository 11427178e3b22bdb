// The capped history (history-store.ts): slots past their TTL are not served even before DynamoDB deletes them,
// and lowering requestsToTrack shows only the newest requests at once and keeps them as new ones arrive.
import { beforeAll, describe, expect, it } from 'vitest';
import { historyTtlSeconds } from '../../lib/limits.ts';
import { DynamoHistoryStore } from '../../lib/store/dynamodb/history-store.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';
import { trackedRequest } from '../support/tracked-request.ts';

describe.each(tableClientKinds)('history slots over the $name client', (kind) => {
  const db = useDynalite(kind);
  const startMs = Date.UTC(2026, 10, 25, 12);
  const ttlMs = historyTtlSeconds * 1000;
  let nowMs = startMs;
  let history: DynamoHistoryStore;

  beforeAll(() => {
    history = new DynamoHistoryStore({
      client: db.stores.client,
      tableName: db.dynamo.tableName,
      now: () => nowMs,
    });
  });

  async function record(responderId: string, keep: number, ids: string[]): Promise<void> {
    for (const id of ids) await history.record(responderId, keep, trackedRequest(id, nowMs));
  }

  const idsOf = async (responderId: string, keep: number) =>
    (await history.list(responderId, keep)).map((r) => r.id);

  describe('expired history slots', () => {
    it('are neither listed nor found once their TTL has passed, before DynamoDB gets round to deleting them', async () => {
      nowMs = startMs;
      await record('expiring', 5, ['old-1', 'old-2']);
      nowMs = startMs + ttlMs - 1000;
      expect(await idsOf('expiring', 5)).toEqual(['old-2', 'old-1']);
      nowMs = startMs + ttlMs;
      expect(await idsOf('expiring', 5)).toEqual([]);
      expect(await history.get('expiring', 'old-1')).toBeUndefined();
    });

    it('leave the fresh slots beside them listed', async () => {
      nowMs = startMs;
      await record('mixed', 5, ['old']);
      nowMs = startMs + ttlMs / 2;
      await record('mixed', 5, ['new']);
      nowMs = startMs + ttlMs;
      expect(await idsOf('mixed', 5)).toEqual(['new']);
      expect(await history.get('mixed', 'new')).toMatchObject({ id: 'new' });
    });
  });

  describe('lowering requestsToTrack', () => {
    it('lists only the newest of the requests kept under the higher number', async () => {
      nowMs = startMs;
      await record('lowered', 5, ['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(await idsOf('lowered', 2)).toEqual(['r5', 'r4']);
    });

    it('keeps the newest requests as new ones arrive under the lower number', async () => {
      nowMs = startMs;
      await record('lowered-then-more', 5, ['r1', 'r2', 'r3', 'r4', 'r5']);
      await record('lowered-then-more', 2, ['r6']);
      expect(await idsOf('lowered-then-more', 2)).toEqual(['r6', 'r5']);
      await record('lowered-then-more', 2, ['r7', 'r8', 'r9']);
      expect(await idsOf('lowered-then-more', 2)).toEqual(['r9', 'r8']);
    });

    it('lists nothing at 0 and records nothing while it is 0', async () => {
      nowMs = startMs;
      await record('off', 3, ['r1']);
      await record('off', 0, ['r2']);
      expect(await idsOf('off', 0)).toEqual([]);
      expect(await idsOf('off', 3)).toEqual(['r1']);
    });
  });
});
