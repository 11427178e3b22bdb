// Hostile input over the real local server (issue 7, SECURITY.md "Hostile input"): raw HTTP the parser refuses,
// paths that try to reach /api or another namespace, management bodies with type confusion, prototype-pollution
// keys and deep nesting, and keys that are almost right. Each gets its documented status and message, and
// nothing is written: the namespace lists the same afterwards and Object.prototype is untouched.
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../lib/keys/authenticate.ts';
import { type ApiCall, call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-h-0123456789';
const otherKey = 'key-team-o-0123456789';
const server = useManagementServer({ API_KEYS: `team-h:${key},team-o:${otherKey}` });

/** Sends raw bytes and returns the status line and body once the server closes (every request says close). */
function raw(request: string | Buffer): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
  });
}
const get = (path: string, headers = '') =>
  raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`);

const list = async () => (await call(server, 'GET', '/api/responders?limit=100', { key })).json.items;
const prototypeIsClean = () => {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && probe.isAdmin === undefined;
};

let bytesId: string;
beforeAll(async () => {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(
      '/bytes',
      { method: 'ANY' },
      {
        headers: [['content-type', 'application/octet-stream']],
        body: undefined,
        script: '(() => ({ body: context.body }))();',
      },
    ),
  });
  expect(created.status).toBe(201);
  bytesId = created.json.id;
});

describe('hostile public requests over HTTP', () => {
  it('refuses headers over 16 KiB with 431 before any handler runs', async () => {
    expect((await get('/team-h/bytes', `x-big: ${'a'.repeat(20_000)}\r\n`)).status).toBe(431);
  });

  it('refuses a raw control character in the path or a header, and an unknown method, with 400', async () => {
    expect((await get('/team-h/by\u0001tes')).status).toBe(400);
    expect((await get('/team-h/bytes', 'x-a: a\u0001b\r\n')).status).toBe(400);
    expect(
      (await raw('BREW /team-h/bytes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status,
    ).toBe(400);
  });

  it('passes a WebDAV method the parser knows to an ANY responder', async () => {
    const answer = await raw(
      'PROPFIND /team-h/bytes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(200);
  });

  it('never reaches the management API from a public path, nor a public path from /api', async () => {
    for (const path of [
      '/team-h/../api/responders',
      '//api/responders',
      '/API/responders',
      '/%61pi/responders',
    ]) {
      expect(await get(path)).toEqual({ status: 404, body: 'Not found.' });
    }
    const fromApi = await get('/api/../team-h/bytes');
    expect(fromApi.status).toBe(401);
  });

  it('returns a non-UTF-8 body byte for byte', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
    const response = await fetch(`${server.base}/team-h/bytes`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: bytes,
    });
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

interface BadBody {
  what: string;
  body: unknown;
  names: string;
}

const valid = draft('/valid');
const settingsWith = (fields: Record<string, unknown>) => ({
  ...valid,
  settings: { ...(valid.settings as object), ...fields },
});
const nested = (depth: number, leaf: string) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

const typeConfusion: BadBody[] = [
  {
    what: 'a status code as a string',
    body: settingsWith({ statusCode: '200' }),
    names: 'settings.statusCode',
  },
  {
    what: 'requestsToTrack as a string',
    body: settingsWith({ requestsToTrack: '5' }),
    names: 'settings.requestsToTrack',
  },
  { what: 'enabled as a string', body: { ...valid, enabled: 'true' }, names: 'enabled' },
  { what: 'a name as a number', body: { ...valid, name: 5 }, names: 'name: must be a string' },
  { what: 'a name as null', body: { ...valid, name: null }, names: 'name: must be a string' },
  { what: 'a method in an array', body: { ...valid, method: ['GET'] }, names: 'method' },
  { what: 'a location as an array', body: { ...valid, location: ['=', '/x'] }, names: 'location' },
  { what: 'settings as an array', body: { ...valid, settings: [] }, names: 'settings' },
  {
    what: 'a header value as a number',
    body: settingsWith({ headers: [['x-a', 1]] }),
    names: 'settings.headers[0][1]',
  },
  {
    what: 'a header as one string',
    body: settingsWith({ headers: ['x-a: 1'] }),
    names: 'settings.headers[0]',
  },
  {
    what: 'a header pair of three',
    body: settingsWith({ headers: [['x-a', '1', '2']] }),
    names: 'settings.headers[0]',
  },
  {
    what: 'limits as a string',
    body: settingsWith({ script: 'null', limits: 'fast' }),
    names: 'settings.limits',
  },
  {
    what: 'a deadline as a string',
    body: settingsWith({ script: 'null', limits: { deadlineMs: '100' } }),
    names: 'settings.limits.deadlineMs',
  },
  {
    what: 'a static body as a number',
    body: settingsWith({ body: 5 }),
    names: 'settings.body: must be a string',
  },
  {
    what: 'a script as an object',
    body: settingsWith({ script: {} }),
    names: 'settings.script: must be a string',
  },
  { what: 'a status code of 1e400 (Infinity)', body: '1e400', names: 'settings.statusCode' },
];

const pollution: BadBody[] = [
  {
    what: '__proto__ at the top',
    body: '{"__proto__": {"polluted": true}}',
    names: '__proto__: unknown field',
  },
  {
    what: 'constructor.prototype at the top',
    body: { ...valid, constructor: { prototype: { polluted: true } } },
    names: 'constructor: unknown field',
  },
  {
    what: '__proto__ in settings',
    body: '{"settings": {"__proto__": {"isAdmin": true}}}',
    names: 'settings.__proto__: unknown field',
  },
  {
    what: '__proto__ in location',
    body: '{"location": {"__proto__": {"polluted": 1}, "pathType": "=", "path": "/p"}}',
    names: 'location.__proto__: unknown field',
  },
  {
    what: 'prototype at the top',
    body: { ...valid, prototype: { polluted: true } },
    names: 'prototype: unknown field',
  },
];

const deep: BadBody[] = [
  {
    what: 'a name nested 100 000 arrays deep',
    body: `{"name": ${nested(100_000, '"x"')}}`,
    names: 'name: must be a string',
  },
  {
    what: 'an unknown field nested 200 000 deep',
    body: `{"deep": ${nested(200_000, '1')}}`,
    names: 'deep: unknown field',
  },
  {
    what: 'a top-level array 300 000 deep',
    body: nested(300_000, '{}'),
    names: 'body: must be a JSON object',
  },
  {
    what: 'objects nested 50 000 deep in settings',
    body: `{"settings": {"limits": ${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`,
    names: 'settings.limits.a: unknown field',
  },
];

/** A string body is spliced into the valid draft (its fields override the draft's), unless it is not an object. */
function requestFor(body: unknown): ApiCall {
  if (typeof body !== 'string') return { json: body };
  const text = body.startsWith('{')
    ? `${JSON.stringify(valid).slice(0, -1)},${body.slice(1)}`
    : body === '1e400'
      ? JSON.stringify(settingsWith({ statusCode: 0 })).replace('"statusCode":0', '"statusCode":1e400')
      : body;
  return { body: text, headers: { 'content-type': 'application/json' } };
}

describe('hostile management bodies', () => {
  it.each([...typeConfusion, ...pollution, ...deep])(
    'refuses a create with $what: 400 naming the field, nothing written, no prototype touched',
    async ({ body, names }) => {
      const before = await list();
      const answer = await call(server, 'POST', '/api/responders', { key, ...requestFor(body) });
      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('invalid_request');
      expect(answer.json.error.message).toContain(names);
      expect(await list()).toEqual(before);
      expect(prototypeIsClean()).toBe(true);
    },
  );

  it('refuses a replace with a version as a string or __proto__ smuggled in, leaving the responder as it was', async () => {
    const before = await call(server, 'GET', `/api/responders/${bytesId}`, { key });
    for (const body of [
      { ...before.json, version: String(before.json.version) },
      JSON.parse(`{"__proto__": {"version": ${before.json.version}}}`),
      { ...before.json, settings: { ...before.json.settings, constructor: { name: 'x' } } },
    ]) {
      const answer = await call(server, 'PUT', `/api/responders/${bytesId}`, { key, json: body });
      expect(answer.status).toBe(400);
    }
    expect((await call(server, 'GET', `/api/responders/${bytesId}`, { key })).json).toEqual(before.json);
    expect(prototypeIsClean()).toBe(true);
  });

  it('drops a __proto__ name from dry-run request headers (zod records skip it), touching no prototype and storing nothing', async () => {
    const answer = await call(server, 'POST', `/api/responders/${bytesId}/test`, {
      key,
      body: '{"request": {"method": "POST", "headers": {"__proto__": {"polluted": "yes"}, "x-a": "1"}, "bodyBase64": "aGk="}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.json.bodyBase64, 'base64').toString()).toBe('hi');
    expect(prototypeIsClean()).toBe(true);
    expect((await call(server, 'GET', `/api/responders/${bytesId}/history`, { key })).json.items).toEqual([]);
    const bad = await call(server, 'POST', `/api/responders/${bytesId}/test`, {
      key,
      json: { request: { headers: { 'x-a': { polluted: 'yes' } } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('request.headers');
  });

  it('still serves after all of that: a valid create succeeds', async () => {
    const answer = await call(server, 'POST', '/api/responders', { key, json: draft('/after-hostile') });
    expect(answer.status).toBe(201);
  });
});

describe('header values that HTTP cannot carry', () => {
  it('refuses a static header value with a control character or a character above U+00FF, keeps Latin-1', async () => {
    const before = await list();
    for (const value of ['a\u0001b', 'tab\u007f', 'euro \u20ac', 'emoji \u{1F600}']) {
      const answer = await call(server, 'POST', '/api/responders', {
        key,
        json: draft('/header-value', {}, { headers: [['x-a', value]] }),
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toContain(
        'settings.headers[0][1]: must not contain other control characters',
      );
    }
    expect(await list()).toEqual(before);
    const latin1 = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/latin1', {}, { headers: [['x-a', 'caf\u00e9\tok']] }),
    });
    expect(latin1.status).toBe(201);
    expect((await fetch(`${server.base}/team-h/latin1`)).status).toBe(200);
  });

  it('answers a script that returns such a header value as an invalid result, not a crashed response', async () => {
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: draft(
        '/bad-header',
        {},
        { body: undefined, script: "(() => ({ headers: { 'x-a': 'euro \u20ac' } }))()" },
      ),
    });
    expect(created.status).toBe(201);
    const response = await fetch(`${server.base}/team-h/bad-header`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      'Script returned an invalid result: header "x-a" has a control character or a character above U+00FF in its value',
    );
  });
});

describe('hostile keys', () => {
  it('refuses keys with white space inside or around them, control characters or non-ASCII with the same 401', async () => {
    // Through the core: a store that would accept any record never gets asked about a malformed header.
    const keys = {
      get: async () => {
        throw new Error('a malformed key must not reach the store');
      },
    };
    for (const header of [
      `Bearer\t${key}`,
      `Bearer ${key} `,
      ` Bearer ${key}`,
      `Bearer ${key}\n`,
      `Bearer ${key.slice(0, 5)} ${key.slice(5)}`,
      `Bearer ${key}\u00a0`,
      `Bearer ${key}é`,
      `Bearer ${key}\u0000`,
    ]) {
      expect(await authenticate(header, keys)).toBeUndefined();
    }
    // Raw, so that every candidate reaches the server as written (fetch refuses some before sending).
    const answers = await Promise.all(
      [`${key}é`, `${key.slice(0, 5)}%20${key.slice(5)}`, `"${key}"`, `${key},${otherKey}`].map((candidate) =>
        get('/api/responders', `Authorization: Bearer ${candidate}\r\n`),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
    for (const answer of answers) expect(JSON.parse(answer.body).error.code).toBe('unauthorized');
  });

  it('accepts the scheme in any case and any number of spaces, and white space HTTP trims around the value', async () => {
    for (const authorization of [`bearer ${key}`, `BEARER    ${key}`, `  Bearer ${key}\t`]) {
      expect((await call(server, 'GET', '/api/responders', { headers: { authorization } })).status).toBe(200);
    }
  });

  it("answers another namespace's responder as 404 with its own key, and writes nothing there", async () => {
    const before = await call(server, 'GET', `/api/responders/${bytesId}`, { key });
    const answers = [
      await call(server, 'GET', `/api/responders/${bytesId}`, { key: otherKey }),
      await call(server, 'PUT', `/api/responders/${bytesId}`, {
        key: otherKey,
        json: { ...before.json, name: 'taken over' },
      }),
      await call(server, 'DELETE', `/api/responders/${bytesId}`, { key: otherKey }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404]);
    expect((await call(server, 'GET', `/api/responders/${bytesId}`, { key })).json).toEqual(before.json);
  });
});
