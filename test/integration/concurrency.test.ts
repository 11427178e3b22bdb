// Writes under concurrency (issue 7): parallel requests to a tracked responder keep exactly the newest N, and
// of many parallel updates with one version exactly one wins (the management API test races two over HTTP).
import { describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { ResponderConflictError } from '../../lib/store/errors.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
const keep = 5;

const tracked = (path: string) =>
  responderCreateSchema.parse({
    name: path,
    location: { pathType: '=', path },
    method: 'ANY',
    settings: { requestsToTrack: keep, body: 'ok' },
  });

describe('history under concurrency', () => {
  it('keeps exactly the newest N of parallel requests, none lost or doubled', async () => {
    const created = await db.stores.responders.create('busy', tracked('/hook'));
    const handle = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), ttlMs: 60_000 }),
      history: db.stores.history,
      sandbox: { run: () => Promise.reject(new Error('no scripts here')) },
      publishMetrics: () => {},
    });
    const request = (id: string) => handle(apiGatewayEvent({ rawPath: '/busy/hook', requestId: id }));

    const parallel = Array.from({ length: 40 }, (_, i) => `parallel-${i}`);
    const answers = await Promise.all(parallel.map(request));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    const afterBurst = await db.stores.history.list(created.id, keep);
    expect(afterBurst).toHaveLength(keep);
    expect(new Set(afterBurst.map((r) => r.id)).size).toBe(keep);
    expect(afterBurst.every((r) => parallel.includes(r.id))).toBe(true);

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
