// The history against DynamoDB's TTL (issue 16): TTL deletes expired items days late and in any order, so the
// ring must keep recording whichever of its items (the counter, some slots) are gone, and an expired item that
// is still there must never show. Neither local engine deletes by TTL: the tests delete expired items by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyTtlSeconds } from '../../lib/limits.ts';
import { DynamoHistoryStore } from '../../lib/store/dynamodb/history-store.ts';
import { historyCounterSk, historyPk } from '../../lib/store/keys.ts';
import { tableSchema } from '../../lib/store/table.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';
import { trackedRequest } from '../support/tracked-request.ts';

describe.each(tableClientKinds)('the history against TTL deletions over the $name client', (kind) => {
  const db = useDynalite(kind);
  const keep = 3;
  const dayMs = 24 * 60 * 60 * 1000;
  const start = Date.parse('2026-11-01T00:00:00Z');

  let responders = 0;
  /** A store on its own clock, for a responder of its own. */
  function clockedHistory() {
    const clock = { nowMs: start };
    const history = new DynamoHistoryStore({
      client: db.stores.client,
      tableName: db.dynamo.tableName,
      now: () => clock.nowMs,
    });
    responders += 1;
    return { clock, history, responderId: `ttl-${responders}` };
  }

  const tracked = (id: string, createdAt: number) => trackedRequest(id, createdAt);

  interface StoredItem {
    sk: string;
    [tableSchema.ttlAttribute]: number;
  }

  async function items(responderId: string): Promise<StoredItem[]> {
    const { Items } = await db.stores.client.query({
      TableName: db.dynamo.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': historyPk(responderId) },
      ConsistentRead: true,
    });
    return (Items ?? []) as StoredItem[];
  }

  /** What DynamoDB's TTL may do at `nowMs`: delete some of the items whose TTL has passed, never a live one. */
  async function ttlDeletes(responderId: string, nowMs: number, which: (item: StoredItem) => boolean) {
    const expired = (await items(responderId)).filter(
      (item) => item[tableSchema.ttlAttribute] <= Math.floor(nowMs / 1000) && which(item),
    );
    for (const { sk } of expired) {
      await db.stores.client.delete({
        TableName: db.dynamo.tableName,
        Key: { pk: historyPk(responderId), sk },
      });
    }
    return expired.map((item) => item.sk);
  }

  async function recordAll(history: DynamoHistoryStore, responderId: string, ids: string[], nowMs: number) {
    for (const id of ids) await history.record(responderId, keep, tracked(id, nowMs));
  }

  const isCounter = (item: StoredItem) => item.sk === historyCounterSk;
  const isSlot = (item: StoredItem) => !isCounter(item);
  /** What TTL has deleted of the old items when the first new request comes; it deletes the rest later. */
  const deletedFirst: Array<[string, (item: StoredItem) => boolean]> = [
    ['the counter, not the slots', isCounter],
    ['the slots, not the counter', isSlot],
    ['one slot', (item) => item.sk.endsWith('001')],
    ['the counter and one slot', (item) => isCounter(item) || item.sk.endsWith('001')],
    ['everything', () => true],
    ['nothing yet (days late)', () => false],
  ];

  describe('history after TTL', () => {
    it('shows no expired entry, by list or by id, while the expired items are still there', async () => {
      const { clock, history, responderId } = clockedHistory();
      await recordAll(history, responderId, ['a', 'b', 'c', 'd'], clock.nowMs);
      expect((await history.list(responderId, keep)).map((r) => r.id)).toEqual(['d', 'c', 'b']);

      clock.nowMs = start + historyTtlSeconds * 1000 + 1000;
      expect(await history.list(responderId, keep)).toEqual([]);
      expect(await history.get(responderId, 'd')).toBeUndefined();
      expect(await items(responderId)).toHaveLength(keep + 1);
    });

    for (const [what, deleted] of deletedFirst) {
      it(`records new requests whatever TTL deleted first: ${what}`, async () => {
        const { clock, history, responderId } = clockedHistory();
        await recordAll(history, responderId, ['old-1', 'old-2', 'old-3', 'old-4', 'old-5'], clock.nowMs);
        // Past the TTL of every item, the counter's included.
        clock.nowMs = start + 10 * dayMs;
        await ttlDeletes(responderId, clock.nowMs, deleted);

        for (const id of ['new-1', 'new-2']) {
          await history.record(responderId, keep, tracked(id, clock.nowMs));
          expect((await history.list(responderId, keep)).map((r) => r.id)[0]).toBe(id);
        }
        expect(await history.get(responderId, 'old-5')).toBeUndefined();
        // TTL gets to the rest of the old items; it cannot take a live one.
        await ttlDeletes(responderId, clock.nowMs, () => true);
        await recordAll(history, responderId, ['new-3', 'new-4'], clock.nowMs);
        expect((await history.list(responderId, keep)).map((r) => r.id)).toEqual(['new-4', 'new-3', 'new-2']);
        expect(await items(responderId)).toHaveLength(keep + 1);
      });
    }

    it('keeps recording after TTL took the counter, though the clocks of its writers disagreed by an hour', async () => {
      const { clock, history, responderId } = clockedHistory();
      const ahead = new DynamoHistoryStore({
        client: db.stores.client,
        tableName: db.dynamo.tableName,
        now: () => clock.nowMs + 60 * 60 * 1000,
      });
      await ahead.record(responderId, keep, tracked('from-ahead', clock.nowMs));
      await history.record(responderId, keep, tracked('on-time', clock.nowMs));
      // TTL takes the counter as soon as it may; the slot written an hour ahead is still live then.
      const counter = (await items(responderId)).find(isCounter);
      clock.nowMs = (counter?.[tableSchema.ttlAttribute] ?? 0) * 1000;
      expect(await ttlDeletes(responderId, clock.nowMs, isCounter)).toEqual([historyCounterSk]);

      await recordAll(history, responderId, ['later-1', 'later-2'], clock.nowMs);
      expect((await history.list(responderId, keep)).map((r) => r.id).slice(0, 2)).toEqual([
        'later-2',
        'later-1',
      ]);
    });

    it('always shows the newest live requests, whatever TTL deletes and when (any clock, any order)', async () => {
      const step = fc.oneof(
        fc.record({ kind: fc.constant('request' as const), count: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 10 * dayMs }) }),
        fc.record({
          kind: fc.constant('ttl' as const),
          picks: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
          const { clock, history, responderId } = clockedHistory();
          const recorded: Array<{ id: string; expiresAt: number }> = [];
          for (const current of steps) {
            if (current.kind === 'time') clock.nowMs += current.ms;
            if (current.kind === 'ttl') {
              // Each expired item is deleted or not, as the pick for its place in the key order says.
              const stored = (await items(responderId)).map((item) => item.sk);
              await ttlDeletes(
                responderId,
                clock.nowMs,
                (item) => current.picks[stored.indexOf(item.sk)] ?? false,
              );
            }
            if (current.kind === 'request') {
              for (let i = 0; i < current.count; i++) {
                const id = `r${recorded.length}`;
                await history.record(responderId, keep, tracked(id, clock.nowMs));
                recorded.push({ id, expiresAt: Math.floor(clock.nowMs / 1000) + historyTtlSeconds });
              }
            }
            const nowSeconds = Math.floor(clock.nowMs / 1000);
            const live = recorded.filter((r) => r.expiresAt > nowSeconds).map((r) => r.id);
            const shown = (await history.list(responderId, keep)).map((r) => r.id);
            expect(shown).toEqual(live.slice(-keep).reverse());
          }
        }),
        { numRuns: 25 },
      );
    });
  });
});
