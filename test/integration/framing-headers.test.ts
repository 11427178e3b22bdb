// Framing and hop-by-hop headers and 1xx statuses over the real local server (docs/contract.md §2, §3; issue 11 §2): a
// responder that sets them is refused with 400 naming the field and nothing written; a script's are dropped (a
// Secutils script that sets a correct Content-Length keeps working); a 1xx from a script is `invalid`. Every
// answer leaves the keep-alive connection fit for the next one.
import { beforeAll, describe, expect, it } from 'vitest';
import { platformHeaderNames } from '../../lib/sandbox/result-check.ts';
import { KeepAliveConnection } from '../support/keep-alive.ts';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-f-0123456789';
const server = useManagementServer({ API_KEYS: `team-f:${key}` });
const list = async () => (await call(server, 'GET', '/api/responders?limit=100', { key })).json.items;
const create = (path: string, settings: Record<string, unknown>) =>
  call(server, 'POST', '/api/responders', { key, json: draft(path, {}, settings) });
const scripted = (path: string, script: string) => create(path, { body: undefined, script });

beforeAll(async () => {
  for (const [path, script] of [
    // As a published Secutils sample does: its own, correct Content-Length.
    [
      '/secutils-length',
      "(() => { const body = 'hello'; return { headers: { 'Content-Length': '5' }, body }; })();",
    ],
    [
      '/framing',
      `(() => ({ headers: { 'content-type': 'text/plain', 'Transfer-Encoding': 'chunked', TRAILER: 'x-sum',
         connection: 'close', 'Keep-Alive': 'timeout=1', upgrade: 'h2c', te: 'trailers',
         'proxy-connection': 'keep-alive', 'content-length': '1' }, body: 'framed by the platform' }))()`,
    ],
    ['/early-hints', '({ statusCode: 103, body: "hints" })'],
    ['/switching', '({ statusCode: 101 })'],
    ['/fine', '({ body: "fine" })'],
  ]) {
    expect((await scripted(path as string, script as string)).status).toBe(201);
  }
});

describe('a responder with a framing or hop-by-hop header', () => {
  it.each([...platformHeaderNames].flatMap((name) => [name, name.toUpperCase()]))(
    'is refused with 400 naming the field when it sets %s, and nothing is written',
    async (name) => {
      const before = await list();
      const answer = await create('/refused', {
        headers: [
          ['x-ok', '1'],
          [name, '0'],
        ],
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toContain(
        'settings.headers[1][0]: must not be one the platform sets',
      );
      expect(await list()).toEqual(before);
    },
  );

  it.each([100, 101, 103, 199])('is refused with 400 naming the field for status %i', async (statusCode) => {
    const before = await list();
    const answer = await create('/refused', { statusCode });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain('settings.statusCode: must be between 200 and 599');
    expect(await list()).toEqual(before);
  });
});

describe('a script that sets framing headers or a 1xx status', () => {
  it('keeps working when it sets its own Content-Length, and the connection serves the next request', async () => {
    const connection = await KeepAliveConnection.open(server.base);
    try {
      const answer = await connection.get('/team-f/secutils-length');
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('hello');
      expect(answer.headers.filter(([name]) => name === 'content-length')).toEqual([['content-length', '5']]);
      expect((await connection.get('/team-f/fine')).body).toBe('fine');
      expect(connection.leftover()).toBe('');
    } finally {
      connection.close();
    }
  });

  it('has every framing and hop-by-hop header dropped, in any case, and the platform frames the body', async () => {
    const connection = await KeepAliveConnection.open(server.base);
    try {
      const answer = await connection.get('/team-f/framing');
      expect(answer.status).toBe(200);
      expect(answer.body).toBe('framed by the platform');
      const names = answer.headers.map(([name]) => name);
      for (const name of ['transfer-encoding', 'trailer', 'upgrade', 'te', 'proxy-connection']) {
        expect(names).not.toContain(name);
      }
      expect(answer.headers).not.toContainEqual(['connection', 'close']);
      expect(answer.headers.filter(([name]) => name === 'content-length')).toEqual([
        ['content-length', String(Buffer.byteLength('framed by the platform'))],
      ]);
      expect((await connection.get('/team-f/fine')).body).toBe('fine');
    } finally {
      connection.close();
    }
  });

  it.each([
    ['/early-hints', 103],
    ['/switching', 101],
  ])(
    'answers %s (status %i) as an invalid result, and the connection serves the next request',
    async (path, status) => {
      const connection = await KeepAliveConnection.open(server.base);
      try {
        const answer = await connection.get(`/team-f${path}`);
        expect(answer.status).toBe(500);
        expect(answer.body).toBe(
          `Script returned an invalid result: statusCode must be an integer from 200 to 599, got ${status}`,
        );
        expect((await connection.get('/team-f/fine')).body).toBe('fine');
      } finally {
        connection.close();
      }
    },
  );

  it('shows the dropped headers as dropped in the dry run too', async () => {
    const id = (await list()).find((r: { location: { path: string } }) => r.location.path === '/framing').id;
    const answer = await call(server, 'POST', `/api/responders/${id}/test`, { key, json: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.headers).toEqual([['content-type', 'text/plain']]);
  });
});
