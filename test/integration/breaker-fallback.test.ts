// `settings.fallback` (docs/contract.md §10) through the management API of the local server: validated like a static answer
// (400 naming the field, nothing written), stored and read back, in the OpenAPI document; and the local
// server's webhook path has a breaker that a save through the API closes.
import { describe, expect, it } from 'vitest';
import { breakerFaultsToOpen, staticBodyMaxBytes } from '../../lib/limits.ts';
import { type ApiCall, call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-f-0123456789';
const server = useManagementServer({ API_KEYS: `team-f:${key}` });

const list = async () => (await call(server, 'GET', '/api/responders?limit=100', { key })).json;
const withFallback = (fallback: unknown) => draft('/with-fallback', {}, { fallback });

const badFallbacks: Array<{ what: string; fallback: unknown; names: string }> = [
  { what: 'a string', fallback: 'busy', names: 'settings.fallback: must be an object' },
  { what: 'no status code', fallback: { body: 'busy' }, names: 'settings.fallback.statusCode' },
  {
    what: 'status 199',
    fallback: { statusCode: 199 },
    names: 'settings.fallback.statusCode: must be at least 200',
  },
  {
    what: 'status 600',
    fallback: { statusCode: 600 },
    names: 'settings.fallback.statusCode: must be at most 599',
  },
  {
    what: 'a status that is text',
    fallback: { statusCode: '503' },
    names: 'settings.fallback.statusCode: must be an integer',
  },
  {
    what: 'headers as an object',
    fallback: { statusCode: 503, headers: { 'retry-after': '60' } },
    names: 'settings.fallback.headers: must be a list of [name, value] pairs',
  },
  {
    what: 'a header name that is not a token',
    fallback: { statusCode: 503, headers: [['retry after', '60']] },
    names: 'settings.fallback.headers[0][0]: must be an HTTP token',
  },
  {
    what: 'a header value with CR LF',
    fallback: { statusCode: 503, headers: [['x-a', 'b\r\nset-cookie: c=d']] },
    names: 'settings.fallback.headers[0][1]: must not contain CR, LF or NUL',
  },
  {
    what: 'a body that is not text',
    fallback: { statusCode: 503, body: { busy: true } },
    names: 'settings.fallback.body: must be a string',
  },
  {
    what: 'a body over 1 MiB in UTF-8',
    fallback: { statusCode: 503, body: 'é'.repeat(staticBodyMaxBytes / 2 + 1) },
    names: `settings.fallback.body: must be at most ${staticBodyMaxBytes} bytes (UTF-8)`,
  },
  {
    what: 'an unknown field',
    fallback: { statusCode: 503, retryAfter: 60 },
    names: 'settings.fallback.retryAfter: unknown field',
  },
];

describe('settings.fallback in the management API', () => {
  it.each(badFallbacks)(
    'refuses a fallback with $what: 400 naming the field, nothing written',
    async ({ fallback, names }) => {
      const before = await list();
      const answer = await call(server, 'POST', '/api/responders', { key, json: withFallback(fallback) });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        error: { code: 'invalid_request', message: expect.stringContaining(names) },
      });
      expect(await list()).toEqual(before);
    },
  );

  it('refuses a bad fallback on replace and keeps the stored responder', async () => {
    const created = (await call(server, 'POST', '/api/responders', { key, json: draft('/replaced') })).json;
    const replace: ApiCall = {
      key,
      json: { ...draft('/replaced', {}, { fallback: { statusCode: 42 } }), version: created.version },
    };
    const answer = await call(server, 'PUT', `/api/responders/${created.id}`, replace);
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain('settings.fallback.statusCode');
    expect((await call(server, 'GET', `/api/responders/${created.id}`, { key })).json).toEqual(created);
  });

  it('stores a fallback and gives it back as sent, headers defaulting to none', async () => {
    const fallback = {
      statusCode: 202,
      headers: [['content-type', 'application/json']],
      body: '{"queued":true}',
    };
    const created = await call(server, 'POST', '/api/responders', { key, json: withFallback(fallback) });
    const bare = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/bare-fallback', {}, { fallback: { statusCode: 503 } }),
    });

    expect(created.status).toBe(201);
    const read = await call(server, 'GET', `/api/responders/${created.json.id}`, { key });
    expect(read.json.settings.fallback).toEqual(fallback);
    expect(bare.json.settings.fallback).toEqual({ statusCode: 503, headers: [] });
  });

  it('describes the fallback in the OpenAPI document', async () => {
    const document = (await call(server, 'GET', '/api/openapi.json')).json;
    const fallback = document.components.schemas.ResponderCreate.properties.settings.properties.fallback;
    expect(fallback.additionalProperties).toBe(false);
    expect(fallback.required).toEqual(['statusCode']);
    expect(fallback.properties.statusCode).toMatchObject({ minimum: 200, maximum: 599 });
    expect(fallback.properties.headers.maxItems).toBeGreaterThan(0);
    expect(fallback.properties.body.type).toBe('string');
  });
});

describe('the local server’s circuit breaker', () => {
  it('opens after repeated faults and closes when the responder is saved', async () => {
    const script = "(() => { throw new Error('boom'); })()";
    const created = (
      await call(server, 'POST', '/api/responders', { key, json: draft('/broken', {}, { script }) })
    ).json;
    const hook = async () => {
      const response = await fetch(`${server.base}/team-f/broken`);
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        text: await response.text(),
      };
    };
    const statuses: number[] = [];
    for (let i = 0; i < breakerFaultsToOpen; i++) statuses.push((await hook()).status);

    const refused = await hook();
    const saved = await call(server, 'PUT', `/api/responders/${created.id}`, {
      key,
      json: { ...draft('/broken', {}, { script }), version: created.version },
    });
    const afterSave = await hook();

    expect(statuses).toEqual(Array(breakerFaultsToOpen).fill(500));
    expect(refused).toMatchObject({
      status: 503,
      text: 'Script disabled after repeated failures, retry later.',
    });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(30);
    expect(saved.status).toBe(200);
    expect(afterSave).toMatchObject({ status: 500, text: 'Script error: boom' });
  });
});
