// A warm process holds the history number of its next tracked request (issue 16): it uses it while fresh, drops
// one held too long, writes again when its held number's slot was taken by a newer one, and
// several processes writing into one ring at once show every entry once while it has room, never more than N.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyHeldNumberMaxAgeMs } from '../../lib/limits.ts';
import { DynamoHistoryStore } from '../../lib/store/dynamodb/history-store.ts';
import type { TableClient } from '../../lib/store/dynamodb/table-client.ts';
import { historyPk, historySlotSkPrefix } from '../../lib/store/keys.ts';
import { useDynalite } from '../support/dynalite.ts';
import { loggedTableClient, tableClientKinds } from '../support/table-clients.ts';
import { trackedRequest } from '../support/tracked-request.ts';

describe.each(tableClientKinds)('held history numbers over the $name client', (kind) => {
  const db = useDynalite(kind);
  const keep = 5;

  let arrivals = 0;
  /** Each request arrives a millisecond after the one before, so the list's order is the order of the calls. */
  const tracked = (id: string) => {
    arrivals += 1;
    return trackedRequest(id, Date.parse('2026-11-01T00:00:00Z') + arrivals);
  };

  const processClients: TableClient[] = [];
  afterEach(() => {
    for (const client of processClients.splice(0)) client.destroy();
  });

  /** A process of its own (its own store, so its own held numbers) on a clock of its own; its calls are logged. */
  function process(clock = { nowMs: Date.now() }) {
    const log: string[] = [];
    const client = kind.create(db.dynamo.endpoint);
    processClients.push(client);
    const history = new DynamoHistoryStore({
      client: loggedTableClient(client, log),
      tableName: db.dynamo.tableName,
      now: () => clock.nowMs,
    });
    return { clock, log, history };
  }

  const shown = async (responderId: string, capacity = keep) =>
    (await db.stores.history.list(responderId, capacity)).map((request) => request.id);

  describe('a held history number', () => {
    it("is used until it is too old, then a fresh one is taken, numbered after the other processes' ones", async () => {
      const { clock, history } = process();
      // Room for the numbers left unused too: the dropped one, and the one the other process holds.
      const capacity = 10;
      await history.record('aging', capacity, tracked('first'));
      clock.nowMs += historyHeldNumberMaxAgeMs - 1;
      await history.record('aging', capacity, tracked('warm'));
      // Another process takes numbers meanwhile: the number held now is behind theirs.
      await process().history.record('aging', capacity, tracked('elsewhere'));
      clock.nowMs += historyHeldNumberMaxAgeMs;
      await history.record('aging', capacity, tracked('after-idle'));

      const numbers = await storedNumbers('aging');
      expect(numbers.get('warm')).toBe((numbers.get('first') ?? 0) + 1);
      expect(numbers.get('after-idle')).toBeGreaterThan(numbers.get('elsewhere') ?? Number.POSITIVE_INFINITY);
      expect(await shown('aging', capacity)).toEqual(['after-idle', 'elsewhere', 'warm', 'first']);
    });

    it('that is too old but still the newest is used, leaving no gap in the ring', async () => {
      const { clock, history } = process();
      const capacity = 3;
      await history.record('idle-alone', capacity, tracked('a'));
      clock.nowMs += 60_000;
      await history.record('idle-alone', capacity, tracked('b'));
      await history.record('idle-alone', capacity, tracked('c'));

      expect(await shown('idle-alone', capacity)).toEqual(['c', 'b', 'a']);
    });

    it('whose slot has meanwhile taken a newer entry is written again, so the newest request is kept', async () => {
      const behind = process();
      await behind.history.record('overtaken', keep, tracked('held-a-while'));
      const others = process().history;
      const theirs = Array.from({ length: keep }, (_, i) => `theirs-${i}`);
      for (const id of theirs) await others.record('overtaken', keep, tracked(id));

      behind.log.length = 0;
      await behind.history.record('overtaken', keep, tracked('newest'));

      const ring = await shown('overtaken');
      expect(ring[0]).toBe('newest');
      expect(ring.slice(1).every((id) => theirs.includes(id))).toBe(true);
      expect(ring).toHaveLength(keep);
      // The second write follows the first one's failure, under the number reserved while the script ran.
      expect(behind.log.filter((entry) => entry.startsWith('sent'))).toEqual([
        'sent update',
        'sent put',
        'sent put',
      ]);
      expect(behind.log.slice(-2)).toEqual(['sent put', 'done put']);
    });
  });

  describe('a clear', () => {
    /** Processes on one clock, each request arriving a millisecond after the one before. */
    const clock = { nowMs: 0 };
    const arrive = (id: string) => {
      clock.nowMs += 1;
      return trackedRequest(id, clock.nowMs);
    };
    beforeEach(() => {
      clock.nowMs = Date.now();
    });

    it('hides every request that arrived before it, and the process that made it goes on numbering', async () => {
      const { history } = process(clock);
      for (const id of ['before-1', 'before-2', 'before-3'])
        await history.record('cleared', keep, arrive(id));
      const numbersBefore = await storedNumbers('cleared');
      clock.nowMs += 1;
      await history.clear('cleared');
      const after = ['after-1', 'after-2', 'after-3', 'after-4', 'after-5', 'after-6'];
      for (const id of after) await history.record('cleared', keep, arrive(id));

      expect(await shown('cleared')).toEqual(after.slice(1).reverse());
      const numbersAfter = await storedNumbers('cleared');
      expect(numbersAfter.get('after-6')).toBe((numbersBefore.get('before-3') ?? 0) + 6);
    });

    it('loses no request made after it to a number another process held across it', async () => {
      // A warm environment has numbered 7 requests and holds the number of its next one.
      const warm = process(clock).history;
      for (let i = 0; i < 7; i++) await warm.record('held-across', keep, arrive(`before-${i}`));
      clock.nowMs += 1;
      await process(clock).history.clear('held-across');
      // Its next request uses the held number; then cold environments each serve one request.
      await warm.record('held-across', keep, arrive('warm-after'));
      const cold = ['cold-1', 'cold-2', 'cold-3', 'cold-4'];
      for (const id of cold) await process(clock).history.record('held-across', keep, arrive(id));

      expect(await shown('held-across')).toEqual([...cold].reverse().concat('warm-after'));
    });

    it('does not show a request that arrived before it and is written after it', async () => {
      const inFlight = process(clock).history.begin('in-flight', keep);
      const arrivedBefore = arrive('arrived-before');
      clock.nowMs += 1;
      await process(clock).history.clear('in-flight');
      await inFlight.finish(arrivedBefore);
      await process(clock).history.record('in-flight', keep, arrive('arrived-after'));

      expect(await shown('in-flight')).toEqual(['arrived-after']);
      expect(await db.stores.history.get('in-flight', 'arrived-before')).toBeUndefined();
    });
  });

  describe('several processes writing into one ring at once', () => {
    /** Every process records its requests one after another (as one Lambda environment does), all at once. */
    async function recordFromEach(responderId: string, capacity: number, count: number, perProcess: number) {
      const written: string[] = [];
      const all = Array.from({ length: count }, () => process().history);
      await Promise.all(
        all.map(async (history, p) => {
          for (let i = 0; i < perProcess; i++) {
            const id = `p${p}-${i}`;
            await history.record(responderId, capacity, tracked(id));
            written.push(id);
          }
        }),
      );
      return { written, all };
    }

    it('shows every request exactly once while the ring has room for them and the numbers the processes hold', async () => {
      // 4 processes x 20 requests: 80 entries, and at most 4 numbers held unused at the end, inside 100 slots.
      const { written } = await recordFromEach('room-for-all', 100, 4, 20);
      expect(written).toHaveLength(80);
      expect((await shown('room-for-all', 100)).sort()).toEqual([...written].sort());
    });

    it('keeps at most N distinct entries while it wraps, then every newest request one process writes', async () => {
      const capacity = 8;
      const { written, all } = await recordFromEach('wrapping', capacity, 4, 15);
      const afterBurst = await shown('wrapping', capacity);
      expect(afterBurst.length).toBeGreaterThan(0);
      expect(afterBurst.length).toBeLessThanOrEqual(capacity);
      expect(new Set(afterBurst).size).toBe(afterBurst.length);
      expect(afterBurst.every((id) => written.includes(id))).toBe(true);
      expect(await storedSlots('wrapping')).toBeLessThanOrEqual(capacity);

      // Its first request uses the number it held through the burst, which its own later ones may overtake; the
      // rest are numbered one after another, so none of them is lost.
      const last = Array.from({ length: capacity }, (_, i) => `last-${i}`);
      for (const id of last) await all[0]?.record('wrapping', capacity, tracked(id));
      const final = await shown('wrapping', capacity);
      expect(final.slice(0, capacity - 1)).toEqual(last.slice(1).reverse());
      expect(await storedSlots('wrapping')).toBeLessThanOrEqual(capacity);
    });
  });

  /** The slot items stored, live or not: what the ring costs in the table. */
  async function storedSlots(responderId: string) {
    return (await slotItems(responderId)).length;
  }

  /** Each stored entry's number, by request id. */
  async function storedNumbers(responderId: string) {
    const items = await slotItems(responderId);
    return new Map(
      items.map((item) => [(JSON.parse(String(item.request)) as { id: string }).id, Number(item.seq)]),
    );
  }

  async function slotItems(responderId: string) {
    const { Items } = await db.stores.client.query({
      TableName: db.dynamo.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': historyPk(responderId), ':prefix': historySlotSkPrefix },
      ConsistentRead: true,
    });
    return Items ?? [];
  }
});
