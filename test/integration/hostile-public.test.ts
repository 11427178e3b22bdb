// Hostile public requests (issue 7, SECURITY.md "Hostile input"): each edge case through the Lambda handler with
// a payload 2.0 event, against dynalite and the real sandbox. Each gets its documented answer, never a 5xx or a
// host detail, never another namespace's responder, and nothing is written for a request no responder took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { type ResponderInputJson, responderCreateSchema } from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
let sandbox: Sandbox;
let handle: ApiGatewayHandler;
let trackedId: string;

const echoScript = `(() => ({ body: {
  method: context.method, path: context.path, rawQuery: context.rawQuery,
  queryKeys: Object.keys(context.query).length, query: context.query,
  headerNames: Object.keys(context.headers).length,
  body: Array.from(context.body),
} }))();`;

const responder = (path: string, fields: Partial<ResponderInputJson>) =>
  responderCreateSchema.parse({
    name: path,
    location: { pathType: '=', path },
    method: 'ANY',
    ...fields,
    settings: { headers: [['content-type', 'application/json']], ...fields.settings },
  });

beforeAll(async () => {
  sandbox = createSandbox({ poolSize: 1 });
  const { responders } = db.stores;
  await responders.create('hostile', responder('/hook', { settings: { script: echoScript } }));
  await responders.create(
    'hostile',
    responder('/files', {
      location: { pathType: '^', path: '/files' },
      method: 'GET',
      settings: { headers: [['content-type', 'text/plain']], body: 'files' },
    }),
  );
  trackedId = (
    await responders.create(
      'hostile',
      responder('/tracked', { method: 'GET', settings: { requestsToTrack: 5, body: 'tracked' } }),
    )
  ).id;
  await responders.create('other', responder('/secret', { settings: { body: 'the other namespace' } }));
  handle = createApiGatewayHandler({
    definitions: new DefinitionCache({ load: (ns) => responders.listAll(ns), ttlMs: 60_000 }),
    history: db.stores.history,
    sandbox,
    publishMetrics: () => {},
  });
});
afterAll(() => sandbox.close());

type EventFields = Parameters<typeof apiGatewayEvent>[0];
const send = (fields: EventFields) => handle(apiGatewayEvent({ method: 'GET', ...fields }));
const echoed = async (fields: EventFields) => {
  const result = await send(fields);
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body ?? '');
};

describe('hostile public requests', () => {
  it('passes 200 headers of 1 KiB each to the script (API Gateway and the local server cap them before)', async () => {
    const headers = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(1024)] as const),
    );
    const echo = await echoed({ rawPath: '/hostile/hook', headers });
    expect(echo.headerNames).toBeGreaterThanOrEqual(200);
  });

  it('passes 5 000 query keys to the script, one value each', async () => {
    const rawQueryString = Array.from({ length: 5_000 }, (_, i) => `k${i}=${i}`).join('&');
    const echo = await echoed({ rawPath: '/hostile/hook', rawQueryString });
    expect(echo.queryKeys).toBe(5_000);
    expect(echo.rawQuery).toBe(rawQueryString);
  });

  it('keeps invalid percent-encoding in the query as written, and bad UTF-8 escapes as U+FFFD', async () => {
    const echo = await echoed({ rawPath: '/hostile/hook', rawQueryString: 'a=%zz&b=%E0%A4&c=%00' });
    expect(echo.rawQuery).toBe('a=%zz&b=%E0%A4&c=%00');
    expect(echo.query).toEqual({ a: '%zz', b: '\uFFFD', c: '\u0000' });
  });

  it('matches a path with invalid percent-encoding as written: 404, no 400 or 500', async () => {
    for (const rawPath of ['/hostile/hook%zz', '/hostile/hook%', '/hostile/%E0%A4']) {
      expect(await send({ rawPath })).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
  });

  it('hands a non-UTF-8 body to the script as its exact bytes', async () => {
    const bytes = [0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28];
    const echo = await echoed({
      rawPath: '/hostile/hook',
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from(bytes).toString('base64'),
      isBase64Encoded: true,
    });
    expect(echo.body).toEqual(bytes);
  });

  it('never leaves the namespace of the first segment, whatever dot segments follow', async () => {
    for (const rawPath of [
      '/hostile/../other/secret',
      '/hostile/./../../other/secret',
      '/hostile/..%2Fother/secret',
    ]) {
      const result = await send({ rawPath });
      expect(result).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
    // Dot segments are not resolved: a prefix location matches them as plain characters, in its own namespace.
    expect(await send({ rawPath: '/hostile/files/../../other/secret' })).toMatchObject({
      statusCode: 200,
      body: 'files',
    });
  });

  it('ignores extra leading and trailing slashes, but not doubled ones inside the path', async () => {
    expect((await send({ rawPath: '//hostile/hook' })).statusCode).toBe(200);
    expect((await send({ rawPath: '/hostile/hook//' })).statusCode).toBe(200);
    expect(await send({ rawPath: '/hostile//hook' })).toMatchObject({ statusCode: 404, body: 'Not found.' });
  });

  it('matches an escape in the delivered path as characters: below the namespace, never in it', async () => {
    expect(await send({ rawPath: '/hostile/files%2Fx' })).toMatchObject({ statusCode: 200, body: 'files' });
    for (const rawPath of ['/hostile%2Fhook', '/hostile%2F..%2Fother/secret', '/%68ostile/hook']) {
      expect(await send({ rawPath })).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
  });

  it('matches control characters in the path as characters: no header injection, no match by accident', async () => {
    for (const rawPath of ['/hostile/hook\u0000', '/hostile/hook%00', '/hostile/hook%0d%0a']) {
      expect(await send({ rawPath })).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
    const injected = await send({ rawPath: '/hostile/files%0d%0aset-cookie:%20a=b' });
    expect(injected).toMatchObject({
      statusCode: 200,
      body: 'files',
      headers: { 'content-type': 'text/plain' },
    });
    expect(injected.cookies).toBeUndefined();
  });

  it('lets an ANY responder answer an unknown method, and only an ANY responder', async () => {
    expect((await echoed({ rawPath: '/hostile/hook', method: 'PROPFIND' })).method).toBe('PROPFIND');
    expect((await echoed({ rawPath: '/hostile/hook', method: 'brew' })).method).toBe('BREW');
    expect(await send({ rawPath: '/hostile/tracked', method: 'BREW' })).toMatchObject({ statusCode: 404 });
  });

  it('answers 404 for a namespace that is reserved, too short, too long or not a-z 0-9 -', async () => {
    for (const rawPath of [
      '/api/responders',
      '/a/hook',
      `/${'n'.repeat(41)}/hook`,
      '/h\u00f6stile/hook',
      '/hos_tile/hook',
      '/',
    ]) {
      expect(await send({ rawPath })).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
  });

  it('writes history only for a request its responder answers, none for hostile near misses', async () => {
    const before = (await db.stores.history.list(trackedId, 5)).length;
    for (const fields of [
      { rawPath: '/hostile/tracked', method: 'BREW' },
      { rawPath: '/hostile/tracked', method: 'POST' },
      { rawPath: '/hostile/tracked%00' },
      { rawPath: '/hostile/tracked\u0000' },
      { rawPath: '/hostile//tracked' },
      { rawPath: '/hostile%2Ftracked' },
      { rawPath: '/other/../hostile/tracked' },
    ]) {
      expect(await send(fields)).toMatchObject({ statusCode: 404, body: 'Not found.' });
    }
    expect(await db.stores.history.list(trackedId, 5)).toHaveLength(before);
    const tracked = await send({ rawPath: '/hostile/tracked' });
    expect(tracked).toMatchObject({ statusCode: 200, body: 'tracked' });
    expect(await db.stores.history.list(trackedId, 5)).toHaveLength(before + 1);
  });
});
