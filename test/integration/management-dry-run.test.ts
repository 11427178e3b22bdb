// POST /api/responders/{id}/test (docs/contract.md §5): a draft or the stored responder against a request from the body or
// from the history; it answers as the public path would, stores nothing and emits no metric.
import { describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';
import { useMetricRecords } from '../support/metric-records.ts';

const key = 'key-team-d-0123456789';
const server = useManagementServer({ API_KEYS: `team-d:${key}` });

const metricRecords = useMetricRecords();

const echoScript =
  "(() => { console.log('saw', context.method, context.path); return { statusCode: 202, headers: { 'x-q': context.query.q ?? '' }, body: { body: Deno.core.decode(context.body), from: context.clientAddress } }; })();";

async function createTracked(path: string) {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(path, { method: 'POST' }, { requestsToTrack: 5, script: echoScript }),
  });
  expect(created.status).toBe(201);
  return created.json as { id: string };
}

const history = async (id: string) =>
  (await call(server, 'GET', `/api/responders/${id}/history`, { key })).json;

describe('management API: dry run', () => {
  it('runs the stored responder against a request in the body and reports how the script ran', async () => {
    const { id } = await createTracked('/stored-run');
    const answer = await call(server, 'POST', `/api/responders/${id}/test`, {
      key,
      json: {
        request: {
          method: 'post',
          path: '/stored-run',
          rawQuery: 'q=1&q=2',
          headers: { 'Content-Type': 'text/plain' },
          bodyBase64: Buffer.from('hello').toString('base64'),
          clientAddress: '198.51.100.7:4242',
        },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      statusCode: 202,
      outcome: 'ok',
      console: [{ level: 'log', message: 'saw POST /stored-run' }],
    });
    expect(answer.json.headers).toContainEqual(['x-q', '2']);
    expect(JSON.parse(Buffer.from(answer.json.bodyBase64, 'base64').toString())).toEqual({
      body: 'hello',
      from: '198.51.100.7:4242',
    });
    expect(answer.json.durationMs).toBeGreaterThan(0);
    expect(answer.json.memoryBytes).toBeGreaterThan(0);
    expect((await history(id)).items).toEqual([]);
    expect(metricRecords).toEqual([]);
  });

  it('runs a draft instead of the stored responder, leaving the stored one unchanged', async () => {
    const { id } = await createTracked('/draft-run');
    const before = await call(server, 'GET', `/api/responders/${id}`, { key });
    const answer = await call(server, 'POST', `/api/responders/${id}/test`, {
      key,
      json: {
        responder: draft(
          '/draft-run',
          {},
          { script: "(async () => ({ body: 'draft says ' + context.method }))();" },
        ),
        request: { method: 'PUT' },
      },
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.json.bodyBase64, 'base64').toString()).toBe('draft says PUT');
    expect((await call(server, 'GET', `/api/responders/${id}`, { key })).json).toEqual(before.json);
    expect(metricRecords).toEqual([]);
  });

  it('reports a failing draft as its outcome, as the public path would answer it', async () => {
    const { id } = await createTracked('/failing-draft');
    const answer = await call(server, 'POST', `/api/responders/${id}/test`, {
      key,
      json: { responder: draft('/failing-draft', {}, { script: "(() => { throw new Error('boom'); })()" }) },
    });
    expect(answer.json).toMatchObject({ statusCode: 500, outcome: 'error' });
    expect(Buffer.from(answer.json.bodyBase64, 'base64').toString()).toBe('Script error: boom');
  });

  it('runs against a tracked request (?request=<id>) and leaves the history as it was', async () => {
    const { id } = await createTracked('/replayed');
    const sent = await fetch(`${server.base}/team-d/replayed?q=live`, {
      method: 'POST',
      body: 'from the wire',
    });
    expect(sent.status).toBe(202);
    const tracked = await history(id);
    expect(tracked.items).toHaveLength(1);
    // The spy sees the public request's record, so an empty list below means the dry run wrote none.
    expect(metricRecords.length).toBeGreaterThan(0);
    metricRecords.length = 0;
    const answer = await call(server, 'POST', `/api/responders/${id}/test?request=${tracked.items[0].id}`, {
      key,
      json: {
        responder: draft('/replayed', { method: 'POST' }, { script: echoScript.replace('202', '299') }),
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.statusCode).toBe(299);
    expect(answer.json.headers).toContainEqual(['x-q', 'live']);
    expect(JSON.parse(Buffer.from(answer.json.bodyBase64, 'base64').toString()).body).toBe('from the wire');
    expect(await history(id)).toEqual(tracked);
    expect(metricRecords).toEqual([]);
  });

  it("with no body at all, sends a request to the responder's own location and method", async () => {
    const { id } = await createTracked('/defaults');
    const answer = await call(server, 'POST', `/api/responders/${id}/test`, { key });
    expect(answer.status).toBe(200);
    expect(answer.json.console).toEqual([{ level: 'log', message: 'saw POST /defaults' }]);
  });

  it('joins the values of a header given as a list with a comma, as the public path joins repeated headers', async () => {
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/list-header', {}, { script: '({ body: context.headers["x-list"] })' }),
    });
    const answer = await call(server, 'POST', `/api/responders/${created.json.id}/test`, {
      key,
      json: { request: { headers: { 'X-List': ['a', 'b'] } } },
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.json.bodyBase64, 'base64').toString()).toBe('a,b');
  });

  it('answers a responder without a script with its static answer and a null outcome', async () => {
    const created = await call(server, 'POST', '/api/responders', { key, json: draft('/static') });
    const answer = await call(server, 'POST', `/api/responders/${created.json.id}/test`, { key, json: {} });
    expect(answer.json).toEqual({
      statusCode: 200,
      headers: [['content-type', 'text/plain']],
      bodyBase64: Buffer.from('at /static').toString('base64'),
      outcome: null,
      durationMs: 0,
      memoryBytes: 0,
      console: [],
    });
  });
});
