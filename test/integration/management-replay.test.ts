// POST /api/responders/{id}/replay (docs/contract.md §9), end to end: requests through the real local server's webhook
// core into dynalite's history, then replayed through the management API with their recorded seed and time.
import { describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';
import { useMetricRecords } from '../support/metric-records.ts';

const key = 'key-team-r-0123456789';
const server = useManagementServer({ API_KEYS: `team-r:${key}` });

const metricRecords = useMetricRecords();

// Everything a replay must reproduce: randomness of all three kinds, the clock, the request.
const script = `(() => {
  const bytes = Array.from(crypto.getRandomValues(new Uint8Array(4)));
  return {
    statusCode: 201,
    headers: { 'x-id': crypto.randomUUID(), 'x-at': String(Date.now()), 'content-type': 'application/json' },
    body: { echo: Deno.core.decode(context.body), n: context.query.n, r: Math.random(), bytes, when: new Date().toISOString() },
  };
})()`;

async function trackedResponder(path: string, requests: number) {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(path, { method: 'POST' }, { requestsToTrack: 100, script }),
  });
  expect(created.status).toBe(201);
  for (let i = 0; i < requests; i++) {
    const answer = await fetch(`${server.base}/team-r${path}?n=${i}`, {
      method: 'POST',
      body: `payload ${i}`,
    });
    expect(answer.status).toBe(201);
  }
  return created.json as { id: string; version: number };
}

const history = async (id: string) =>
  (await call(server, 'GET', `/api/responders/${id}/history`, { key })).json.items as Array<{ id: string }>;

describe('management API: replay', () => {
  it('gives same: true for all 20 tracked requests of an unchanged responder, storing nothing', async () => {
    const { id } = await trackedResponder('/same', 20);
    const before = await history(id);
    metricRecords.length = 0;
    const replay = await call(server, 'POST', `/api/responders/${id}/replay`, { key });
    expect(replay.status).toBe(200);
    expect(replay.json.summary).toEqual({ total: 20, same: 20, different: 0, notRun: 0 });
    expect(replay.json.items.map((item: { requestId: string }) => item.requestId)).toEqual(
      before.map((entry) => entry.id),
    );
    for (const item of replay.json.items) {
      expect(item.same).toBe(true);
      expect(item.diff).toEqual({});
      expect(item.replayed.bodyBase64).toBe(item.recorded.bodyBase64);
      expect(item.replayed.outcome).toBe('ok');
    }
    expect(await history(id)).toEqual(before);
    expect(metricRecords).toEqual([]);
  });

  it('shows exactly what a changed draft changes', async () => {
    const { id } = await trackedResponder('/changed', 2);
    const [newest] = await history(id);
    const recorded = (await call(server, 'GET', `/api/responders/${id}/history`, { key })).json.items[0];
    const changedScript = script
      .replace('statusCode: 201', 'statusCode: 202')
      .replace("'content-type': 'application/json'", "'Content-Type': 'text/plain', 'x-new': 'yes'")
      .replace("'x-at': String(Date.now()), ", '')
      .replace('echo: Deno', 'echo: "!" + Deno');
    const replay = await call(server, 'POST', `/api/responders/${id}/replay`, {
      key,
      json: {
        responder: draft('/changed', { method: 'POST' }, { requestsToTrack: 100, script: changedScript }),
        requests: [newest?.id],
      },
    });
    expect(replay.status).toBe(200);
    expect(replay.json.summary).toEqual({ total: 1, same: 0, different: 1, notRun: 0 });
    const [item] = replay.json.items;
    const recordedHeaders = new Map<string, string>(recorded.response.headers);
    expect(item).toMatchObject({ requestId: newest?.id, same: false });
    expect(item.recorded).toEqual({
      statusCode: 201,
      headers: recorded.response.headers,
      bodyBase64: recorded.response.bodyBase64,
      outcome: 'ok',
    });
    const recordedBody = Buffer.from(recorded.response.bodyBase64, 'base64');
    expect(item.diff).toEqual({
      statusCode: [201, 202],
      headers: {
        added: [['x-new', 'yes']],
        removed: [['x-at', recordedHeaders.get('x-at')]],
        changed: [['content-type', 'application/json', 'text/plain']],
      },
      body: {
        recordedBytes: recordedBody.byteLength,
        replayedBytes: recordedBody.byteLength + 1,
        firstDifferenceAt: '{"echo":"'.length,
      },
    });
    // The same seed: the UUID is unchanged, so x-id is in no list.
    expect(new Map(item.replayed.headers).get('x-id')).toBe(recordedHeaders.get('x-id'));
  });

  it('replays only the newest N with last', async () => {
    const { id } = await trackedResponder('/last', 3);
    const [newest, second] = await history(id);
    const replay = await call(server, 'POST', `/api/responders/${id}/replay`, { key, json: { last: 2 } });
    expect(replay.json.items.map((item: { requestId: string }) => item.requestId)).toEqual([
      newest?.id,
      second?.id,
    ]);
  });

  it('refuses unknown request ids, too many requests and a bad draft, naming the field', async () => {
    const { id } = await trackedResponder('/bad', 1);
    const unknown = await call(server, 'POST', `/api/responders/${id}/replay`, {
      key,
      json: { requests: ['no-such-request'] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('no-such-request');
    const tooMany = await call(server, 'POST', `/api/responders/${id}/replay`, {
      key,
      json: { requests: Array.from({ length: 101 }, (_, i) => `r${i}`) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/^requests: at most 100/);
    const badDraft = await call(server, 'POST', `/api/responders/${id}/replay`, {
      key,
      json: { responder: draft('/bad', {}, { statusCode: 99 }) },
    });
    expect(badDraft.status).toBe(400);
    expect(badDraft.json.error.message).toContain('responder.settings.statusCode');
    const badLast = await call(server, 'POST', `/api/responders/${id}/replay`, { key, json: { last: 0 } });
    expect(badLast.status).toBe(400);
    expect(badLast.json.error.message).toContain('last');
    const otherResponder = await call(server, 'POST', '/api/responders/0000000000000000000000000/replay', {
      key,
    });
    expect(otherResponder.status).toBe(404);
  });
});
