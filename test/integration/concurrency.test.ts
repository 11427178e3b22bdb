// Writes under concurrency (issue 7): parallel requests to a tracked responder keep exactly the newest N, and
// of many parallel updates with one version exactly one wins (the management API test races two over HTTP).
import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { DynamoHistoryStore } from '../../lib/store/dynamodb/history-store.ts';
import { ResponderConflictError } from '../../lib/store/errors.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';
import { aroundEachCall, tableClientKinds } from '../support/table-clients.ts';

describe.each(tableClientKinds)('writes under concurrency over the $name client', (kind) => {
  const db = useDynalite(kind);
  const keep = 5;

  const tracked = (path: string) =>
    responderCreateSchema.parse({
      name: path,
      location: { pathType: '=', path },
      method: 'ANY',
      settings: { requestsToTrack: keep, body: 'ok' },
    });

  describe('history under concurrency', () => {
    it('keeps exactly the newest N of parallel requests, none lost or doubled, a late older write included', async () => {
      const created = await db.stores.responders.create('busy', tracked('/hook'));
      const parallel = Array.from({ length: 40 }, (_, i) => `parallel-${i}`);
      // The first request's slot write is held until every other request has written: it arrives last, older
      // than what its slot holds by then, and must not replace it.
      const numbered = new Map<string, { seq: number; createdAt: number }>();
      let othersWritten = 0;
      let releaseFirst = () => {};
      const firstMayWrite = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      const lateFirstWrite = aroundEachCall(db.stores.client, async (operation, input, call) => {
        if (operation !== 'put') return call();
        const item = (input as PutCommandInput).Item as { seq: number; request: string };
        const { id, createdAt } = JSON.parse(item.request) as { id: string; createdAt: number };
        numbered.set(id, { seq: item.seq, createdAt });
        if (item.seq === 1) await firstMayWrite;
        try {
          return await call();
        } finally {
          if (item.seq !== 1 && ++othersWritten === parallel.length - 1) releaseFirst();
        }
      });
      const handle = createApiGatewayHandler({
        definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), ttlMs: 60_000 }),
        history: new DynamoHistoryStore({ client: lateFirstWrite, tableName: db.dynamo.tableName }),
        sandbox: { run: () => Promise.reject(new Error('no scripts here')) },
        publishMetrics: () => {},
      });
      const request = (id: string) => handle(apiGatewayEvent({ rawPath: '/busy/hook', requestId: id }));

      const answers = await Promise.all(parallel.map(request));
      expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
      // Request n goes to slot n mod N; each slot keeps the newest request written to it. (The counter may skip a
      // number when the SDK retries its update, so this is not always simply the N highest numbers.)
      const newestPerSlot = new Map<number, { id: string; seq: number; createdAt: number }>();
      for (const [id, { seq, createdAt }] of numbered) {
        const slot = (seq - 1) % keep;
        if (seq > (newestPerSlot.get(slot)?.seq ?? 0)) newestPerSlot.set(slot, { id, seq, createdAt });
      }
      // Listed newest arrival first, the number ordering requests that arrived in one millisecond (history-store.ts).
      const newest = [...newestPerSlot.values()]
        .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq)
        .map(({ id }) => id);
      expect((await db.stores.history.list(created.id, keep)).map((r) => r.id)).toEqual(newest);

      // Once the burst is over, the next N requests replace every slot, newest first.
      const last = Array.from({ length: keep }, (_, i) => `last-${i}`);
      for (const id of last) await request(id);
      expect((await db.stores.history.list(created.id, keep)).map((r) => r.id)).toEqual([...last].reverse());
    });
  });

  describe('updates under concurrency', () => {
    it('lets exactly one of eight parallel updates with the same version win; the rest change nothing', async () => {
      const created = await db.stores.responders.create('busy', tracked('/contested'));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          db.stores.responders.update('busy', created.id, {
            ...tracked('/contested'),
            name: `writer ${i}`,
            version: created.version,
          }),
        ),
      );
      const winners = results.filter((result) => result.status === 'fulfilled');
      const losers = results.filter((result) => result.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.every((result) => result.reason instanceof ResponderConflictError)).toBe(true);
      const stored = await db.stores.responders.get('busy', created.id);
      expect(stored).toEqual(winners[0]?.value);
      expect(stored?.version).toBe(created.version + 1);
    });
  });
});
