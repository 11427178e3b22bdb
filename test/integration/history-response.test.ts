// docs/contract.md §9: a tracked request keeps its execution's seed and start time and the answer sent, through the real
// local server (webhook core, dynalite, management API).
import { describe, expect, it } from 'vitest';
import { historyBodyMaxBytes } from '../../lib/limits.ts';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-h-0123456789';
const server = useManagementServer({ API_KEYS: `team-h:${key}` });

async function tracked(path: string, settings: Record<string, unknown>) {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(path, {}, { requestsToTrack: 5, ...settings }),
  });
  expect(created.status).toBe(201);
  const id = (created.json as { id: string }).id;
  const answer = await fetch(`${server.base}/team-h${path}`);
  const body = Buffer.from(await answer.arrayBuffer());
  const history = await call(server, 'GET', `/api/responders/${id}/history`, { key });
  return { answer, body, entry: history.json.items[0] };
}

describe('history: what replay needs', () => {
  it('keeps the seed, the start time and the answer sent', async () => {
    const before = Date.now();
    const { answer, body, entry } = await tracked('/uuid', {
      script: "({ headers: { 'x-id': crypto.randomUUID() }, body: String(Date.now()) })",
    });
    expect(Buffer.from(entry.seed, 'base64')).toHaveLength(32);
    expect(entry.startedAtMs).toBeGreaterThanOrEqual(before);
    expect(body.toString()).toBe(String(entry.startedAtMs));
    expect(entry.response).toEqual({
      headers: [['x-id', answer.headers.get('x-id')]],
      bodyBase64: body.toString('base64'),
      bodyTruncated: false,
    });
  });

  it('keeps the first 64 KiB of a large answer and says it was cut', async () => {
    const { body, entry } = await tracked('/large', { script: "({ body: 'x'.repeat(100000) })" });
    expect(body).toHaveLength(100000);
    expect(Buffer.from(entry.response.bodyBase64, 'base64')).toEqual(body.subarray(0, historyBodyMaxBytes));
    expect(entry.response.bodyTruncated).toBe(true);
  });

  it('keeps no answer when the script says trackResponse: false, only its status', async () => {
    const { entry } = await tracked('/private', {
      script: "({ statusCode: 201, body: 'secret', trackResponse: false })",
    });
    expect(entry.statusCode).toBe(201);
    expect(entry.response).toBeUndefined();
    expect(entry.seed).toBeDefined();
  });

  it('keeps a seed and the static answer for a responder without a script', async () => {
    const { entry } = await tracked('/static', {});
    expect(Buffer.from(entry.seed, 'base64')).toHaveLength(32);
    expect(entry.response.bodyBase64).toBe(Buffer.from('at /static').toString('base64'));
  });
});
