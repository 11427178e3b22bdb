// The management API over HTTP on the real local server (docs/contract.md §5): every route and status, pagination,
// optimistic locking, route moves as public traffic sees them, history cap and clear.
import { describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-a-0123456789';
const server = useManagementServer({ API_KEYS: `team-a:${key}`, DEFINITION_CACHE_TTL_MS: '60000' });

async function create(body: Record<string, unknown>) {
  const answer = await call(server, 'POST', '/api/responders', { key, json: body });
  expect(answer.status).toBe(201);
  return answer.json;
}

const publicGet = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${server.base}/team-a${path}`, init);
  return { status: response.status, text: await response.text() };
};

describe('management API: responders', () => {
  it('creates a responder (201, id, version 1, Location) that answers public traffic at once', async () => {
    const answer = await call(server, 'POST', '/api/responders', { key, json: draft('/created') });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ name: 'responder /created', version: 1, enabled: true });
    expect(answer.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(answer.headers.get('location')).toBe(`/api/responders/${answer.json.id}`);
    expect(await publicGet('/created')).toEqual({ status: 200, text: 'at /created' });
  });

  it('reads a responder back as it was created, and 404 for an id that does not exist', async () => {
    const created = await create(draft('/read'));
    const read = await call(server, 'GET', `/api/responders/${created.id}`, { key });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created);
    const missing = await call(server, 'GET', '/api/responders/01939d1c-0000-7000-8000-000000000000', {
      key,
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
  });

  it('refuses a second responder with the same location and method with 409 and keeps one', async () => {
    await create(draft('/twice'));
    const again = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/TWICE', { name: 'other' }),
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('route_conflict');
    const all = await listAll();
    expect(all.filter((r) => r.location.path.toLowerCase() === '/twice')).toHaveLength(1);
  });

  it('lets exactly one of two concurrent creates of the same route win; the other gets 409', async () => {
    const answers = await Promise.all(
      ['one', 'two'].map((name) =>
        call(server, 'POST', '/api/responders', { key, json: draft('/contested', { name }) }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect((await listAll()).filter((r) => r.location.path === '/contested')).toHaveLength(1);
  });

  it('lists in pages with an opaque nextToken, and refuses a forged token or a bad limit with 400', async () => {
    for (const path of ['/page-1', '/page-2', '/page-3']) await create(draft(path));
    const first = await call(server, 'GET', '/api/responders?limit=2', { key });
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    expect(typeof first.json.nextToken).toBe('string');
    const second = await call(
      server,
      'GET',
      `/api/responders?limit=2&nextToken=${encodeURIComponent(first.json.nextToken)}`,
      { key },
    );
    expect(second.status).toBe(200);
    const ids = [...first.json.items, ...second.json.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const forged = Buffer.from(JSON.stringify({ pk: 'NS#team-b', sk: 'DEF#x' })).toString('base64url');
    const bad = await call(server, 'GET', `/api/responders?nextToken=${forged}`, { key });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('nextToken');
    for (const limit of ['0', '101', 'ten']) {
      const wrong = await call(server, 'GET', `/api/responders?limit=${limit}`, { key });
      expect(wrong.status).toBe(400);
      expect(wrong.json.error.message).toContain('limit');
    }
  });

  it('replaces a responder with the version it read (version + 1) and takes GET output back as is', async () => {
    const created = await create(draft('/replace'));
    const edited = { ...created, name: 'renamed', settings: { ...created.settings, body: 'new body' } };
    const replaced = await call(server, 'PUT', `/api/responders/${created.id}`, { key, json: edited });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ name: 'renamed', version: 2, createdAt: created.createdAt });
    expect(await publicGet('/replace')).toEqual({ status: 200, text: 'new body' });
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const created = await create(draft('/stale'));
    const body = (name: string) => ({ ...draft('/stale', { name }), version: 1 });
    expect(
      (await call(server, 'PUT', `/api/responders/${created.id}`, { key, json: body('first') })).status,
    ).toBe(200);
    const stale = await call(server, 'PUT', `/api/responders/${created.id}`, { key, json: body('second') });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('version_conflict');
    const now = await call(server, 'GET', `/api/responders/${created.id}`, { key });
    expect(now.json).toMatchObject({ name: 'first', version: 2 });
  });

  it('lets exactly one of two concurrent updates with the same version win; the other gets 409', async () => {
    const created = await create(draft('/race'));
    const answers = await Promise.all(
      ['left', 'right'].map((name) =>
        call(server, 'PUT', `/api/responders/${created.id}`, {
          key,
          json: { ...draft('/race', { name }), version: 1 },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)?.json.name;
    const now = await call(server, 'GET', `/api/responders/${created.id}`, { key });
    expect(now.json).toMatchObject({ name: winner, version: 2 });
  });

  it('keeps the route of the winner claimed when two concurrent updates move a responder to the same place', async () => {
    const created = await create(draft('/race-from'));
    const answers = await Promise.all(
      ['left', 'right'].map((name) =>
        call(server, 'PUT', `/api/responders/${created.id}`, {
          key,
          json: { ...draft('/race-to', { name }), version: 1 },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const intruder = await call(server, 'POST', '/api/responders', { key, json: draft('/race-to') });
    expect(intruder.status).toBe(409);
    expect(await publicGet('/race-to')).toEqual({ status: 200, text: 'at /race-to' });
  });

  it("keeps the winner's large settings intact when two concurrent updates race", async () => {
    const created = await create(draft('/race-large', {}, { body: 'a'.repeat(400_000) }));
    const bodies = ['l'.repeat(500_000), 'r'.repeat(600_000)];
    const answers = await Promise.all(
      bodies.map((body) =>
        call(server, 'PUT', `/api/responders/${created.id}`, {
          key,
          json: { ...draft('/race-large', {}, { body }), version: 1 },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)?.json.settings.body;
    const read = await call(server, 'GET', `/api/responders/${created.id}`, { key });
    expect(read.status).toBe(200);
    expect(read.json.settings.body === winner).toBe(true);
    expect((await publicGet('/race-large')).text === winner).toBe(true);
  });

  it('moves a responder to a new location: the new path answers and the old one is 404 right away', async () => {
    const created = await create(draft('/old-place'));
    expect((await publicGet('/old-place')).status).toBe(200);
    const moved = await call(server, 'PUT', `/api/responders/${created.id}`, {
      key,
      json: { ...draft('/new-place'), version: 1 },
    });
    expect(moved.status).toBe(200);
    expect(await publicGet('/new-place')).toEqual({ status: 200, text: 'at /new-place' });
    expect((await publicGet('/old-place')).status).toBe(404);
    // The old route is free again for another responder.
    await create(draft('/old-place', { name: 'successor' }));
  });

  it('moves a responder with no moment where both routes or neither answer, as seen by traffic during the move', async () => {
    const created = await create(draft('/swing-a'));
    // Each probe tells which definition it saw: the old one (a answers, b does not) or the new one.
    const seen: Array<'old' | 'new'> = [];
    let moving = true;
    const probe = async (path: '/swing-a' | '/swing-b') => {
      const answered = (await publicGet(path)).status === 200;
      seen.push(answered === (path === '/swing-a') ? 'old' : 'new');
    };
    const probing = (async () => {
      while (moving) for (const path of ['/swing-a', '/swing-b'] as const) await probe(path);
      for (const path of ['/swing-a', '/swing-b'] as const) await probe(path);
    })();
    await publicGet('/swing-a');
    const moved = await call(server, 'PUT', `/api/responders/${created.id}`, {
      key,
      json: { ...draft('/swing-b'), version: 1 },
    });
    moving = false;
    await probing;
    expect(moved.status).toBe(200);
    const firstNew = seen.indexOf('new');
    expect(firstNew).toBeGreaterThan(0);
    expect(seen.slice(firstNew)).not.toContain('old');
  });

  it('refuses to move a responder onto a taken route with 409 and leaves both as they were', async () => {
    const taken = await create(draft('/taken'));
    const mover = await create(draft('/mover'));
    const clash = await call(server, 'PUT', `/api/responders/${mover.id}`, {
      key,
      json: { ...draft('/taken'), version: 1 },
    });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe('route_conflict');
    expect((await call(server, 'GET', `/api/responders/${mover.id}`, { key })).json).toEqual(mover);
    expect((await call(server, 'GET', `/api/responders/${taken.id}`, { key })).json).toEqual(taken);
    expect(await publicGet('/mover')).toEqual({ status: 200, text: 'at /mover' });
  });

  it('deletes a responder (204): gone from the API and from public traffic, 404 the second time', async () => {
    const created = await create(draft('/deleted'));
    expect((await publicGet('/deleted')).status).toBe(200);
    const deleted = await call(server, 'DELETE', `/api/responders/${created.id}`, { key });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call(server, 'GET', `/api/responders/${created.id}`, { key })).status).toBe(404);
    expect((await publicGet('/deleted')).status).toBe(404);
    expect((await call(server, 'DELETE', `/api/responders/${created.id}`, { key })).status).toBe(404);
  });

  it('answers 405 with Allow for a method a route does not have, and 404 for an unknown route', async () => {
    const created = await create(draft('/verbs'));
    const patch = await call(server, 'PATCH', `/api/responders/${created.id}`, { key });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, PUT, DELETE');
    const unknown = await call(server, 'GET', '/api/widgets', { key });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
  });
});

describe('management API: history', () => {
  it('keeps the newest requestsToTrack requests, newest first, and clears them (204)', async () => {
    const created = await create(draft('/tracked', {}, { requestsToTrack: 2 }));
    for (const n of [1, 2, 3]) await publicGet(`/tracked?n=${n}`);
    const history = await call(server, 'GET', `/api/responders/${created.id}/history`, { key });
    expect(history.status).toBe(200);
    expect(history.json.items.map((r: { rawQuery: string }) => r.rawQuery)).toEqual(['n=3', 'n=2']);
    expect(history.json.items[0]).toMatchObject({ method: 'GET', path: '/tracked', statusCode: 200 });
    const cleared = await call(server, 'DELETE', `/api/responders/${created.id}/history`, { key });
    expect(cleared.status).toBe(204);
    expect((await call(server, 'GET', `/api/responders/${created.id}/history`, { key })).json.items).toEqual(
      [],
    );
  });

  it('deletes the history with its responder', async () => {
    const created = await create(draft('/tracked-then-deleted', {}, { requestsToTrack: 5 }));
    await publicGet('/tracked-then-deleted');
    expect(await server.app.runtime.stores.history.list(created.id, 5)).toHaveLength(1);
    expect((await call(server, 'DELETE', `/api/responders/${created.id}`, { key })).status).toBe(204);
    expect(await server.app.runtime.stores.history.list(created.id, 5)).toEqual([]);
    expect((await call(server, 'GET', `/api/responders/${created.id}/history`, { key })).status).toBe(404);
  });
});

async function listAll(): Promise<Array<{ id: string; location: { path: string } }>> {
  const items = [];
  let token: string | undefined;
  do {
    const page = await call(
      server,
      'GET',
      `/api/responders?limit=100${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
      { key },
    );
    items.push(...page.json.items);
    token = page.json.nextToken;
  } while (token);
  return items;
}
