// The history's place is taken while the script runs, or was reserved by the process's previous request (issue 16):
// once the answer is known a tracked request waits for one write, the handler returns only after it, and under concurrency, with requests that take a place and then keep nothing, the ring
// never shows more than N, nor an entry twice, nor one it was not given.
import { describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import type { ScriptExecution } from '../../lib/sandbox/types.ts';
import { createStores } from '../../lib/store/index.ts';
import type { ScriptRunner } from '../../lib/webhook/handle-webhook.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';
import { loggedTableClient, tableClientKinds } from '../support/table-clients.ts';
import { trackedRequest } from '../support/tracked-request.ts';

describe.each(tableClientKinds)('the history under concurrency over the $name client', (kind) => {
  const db = useDynalite(kind);
  const keep = 5;

  const scripted = (namespace: string) =>
    db.stores.responders.create(
      namespace,
      responderCreateSchema.parse({
        name: 'scripted',
        location: { pathType: '=', path: '/hook' },
        method: 'ANY',
        settings: { requestsToTrack: keep, script: '1' },
      }),
    );

  const execution = (): ScriptExecution => ({
    outcome: 'ok',
    statusCode: 200,
    headers: [],
    body: new Uint8Array(),
    durationMs: 1,
    memoryBytes: 1,
    console: [],
    seed: new Uint8Array(32),
    startedAtMs: 0,
  });

  /** Stores whose every DynamoDB call is logged, in the order it was sent and finished. */
  function loggedStores(log: string[]) {
    return createStores({
      tableName: db.dynamo.tableName,
      client: loggedTableClient(kind.create(db.dynamo.endpoint), log),
    });
  }

  function handlerOver(stores: ReturnType<typeof createStores>, sandbox: ScriptRunner) {
    return createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), ttlMs: 60_000 }),
      history: stores.history,
      sandbox,
      publishMetrics: () => {},
    });
  }

  const tracked = (id: string) => trackedRequest(id, 0);

  describe('history off the answer path', () => {
    /** A script that ends once `ready` holds for the calls logged so far; a core that starts them later fails below. */
    const scriptAfter = (log: string[], ready: (log: string[]) => boolean): ScriptRunner => ({
      run: async () => {
        const deadline = Date.now() + 2000;
        while (!ready(log) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        log.push('answer');
        return execution();
      },
    });

    it('in a cold process takes its number and the next while the script runs, then writes once', async () => {
      await scripted('overlap');
      const log: string[] = [];
      const stores = loggedStores(log);
      const sandbox = scriptAfter(log, (calls) => calls.includes('sent update'));
      const result = await handlerOver(stores, sandbox)(apiGatewayEvent({ rawPath: '/overlap/hook' }));
      log.push('returned');
      stores.client.destroy();

      expect(result.statusCode).toBe(200);
      expect(log.indexOf('sent update')).toBeLessThan(log.indexOf('answer'));
      const afterAnswer = log.slice(log.indexOf('answer') + 1);
      expect(afterAnswer.filter((entry) => entry.startsWith('sent'))).toEqual(['sent put']);
      expect(afterAnswer.at(-2)).toBe('done put');
    });

    it('in a warm process uses the number it holds and sends only the slot write after the answer', async () => {
      const created = await scripted('warm');
      const log: string[] = [];
      const stores = loggedStores(log);
      const handle = handlerOver(
        stores,
        scriptAfter(log, (calls) => calls.includes('sent update')),
      );
      await handle(apiGatewayEvent({ rawPath: '/warm/hook', requestId: 'first' }));
      log.length = 0;
      const result = await handle(apiGatewayEvent({ rawPath: '/warm/hook', requestId: 'second' }));
      log.push('returned');
      stores.client.destroy();

      expect(result.statusCode).toBe(200);
      // Before the answer, only the reservation of the next number.
      expect(log.slice(0, log.indexOf('answer'))).toEqual(['sent update']);
      const afterAnswer = log.slice(log.indexOf('answer') + 1);
      expect(afterAnswer.filter((entry) => entry.startsWith('sent'))).toEqual(['sent put']);
      expect(afterAnswer.at(-1)).toBe('returned');
      expect(afterAnswer).toContain('done update');
      expect(afterAnswer.at(-2)?.startsWith('done')).toBe(true);
      expect((await db.stores.history.list(created.id, keep)).map((r) => r.id)).toEqual(['second', 'first']);
    });

    it('leaves nothing in flight and records nothing when the sandbox fails', async () => {
      await scripted('host-fault');
      const log: string[] = [];
      const stores = loggedStores(log);
      const sandbox: ScriptRunner = { run: () => Promise.reject(new Error('worker lost')) };
      const result = await handlerOver(stores, sandbox)(apiGatewayEvent({ rawPath: '/host-fault/hook' }));
      log.push('returned');
      stores.client.destroy();

      expect(result.statusCode).toBe(500);
      expect(log).toEqual(['sent update', 'done update', 'returned']);
    });

    it('keeps exactly the newest N of parallel script requests whose scripts end in any order', async () => {
      const created = await scripted('busy-scripts');
      const sandbox: ScriptRunner = {
        run: async () => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
          return execution();
        },
      };
      const handle = handlerOver(db.stores, sandbox);
      const request = (id: string) =>
        handle(apiGatewayEvent({ rawPath: '/busy-scripts/hook', requestId: id }));

      const parallel = Array.from({ length: 40 }, (_, i) => `parallel-${i}`);
      await Promise.all(parallel.map(request));
      const afterBurst = (await db.stores.history.list(created.id, keep)).map((r) => r.id);
      expect(afterBurst).toHaveLength(keep);
      expect(new Set(afterBurst).size).toBe(keep);
      expect(afterBurst.every((id) => parallel.includes(id))).toBe(true);

      const last = Array.from({ length: keep }, (_, i) => `last-${i}`);
      for (const id of last) await request(id);
      expect((await db.stores.history.list(created.id, keep)).map((r) => r.id)).toEqual([...last].reverse());
    });

    it('never shows more than N, a duplicate or a skipped request when parallel requests keep nothing', async () => {
      const responderId = 'skipping';
      const entries = Array.from({ length: 60 }, (_, i) => ({
        id: `r${i}`,
        kept: i % 3 !== 0,
        entry: db.stores.history.begin(responderId, keep),
      }));
      // Finished in a shuffled order: the places were taken in one order, the answers come in another.
      const shuffled = [...entries].sort(() => Math.random() - 0.5);
      await Promise.all(shuffled.map(({ id, kept, entry }) => entry.finish(kept ? tracked(id) : undefined)));

      const shown = (await db.stores.history.list(responderId, keep)).map((r) => r.id);
      const keptIds = entries.filter((e) => e.kept).map((e) => e.id);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThanOrEqual(keep);
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown.every((id) => keptIds.includes(id))).toBe(true);

      const last = Array.from({ length: keep }, (_, i) => `last-${i}`);
      for (const id of last) await db.stores.history.record(responderId, keep, tracked(id));
      expect((await db.stores.history.list(responderId, keep)).map((r) => r.id)).toEqual([...last].reverse());
    });
  });
});
