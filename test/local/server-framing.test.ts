// The local server frames every answer itself (issue 11 §2): whatever a handler returns — framing or hop-by-hop
// headers, a 1xx status, a header Node refuses to send — the client reads one well-formed answer, and the next
// answer on the same keep-alive connection is intact.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../lib/local/server.ts';
import { KeepAliveConnection } from '../support/keep-alive.ts';

const text = { 'content-type': 'text/plain; charset=utf-8' };
/** What the fake handler answers per path; `/fine` is the well-formed answer each case is followed by. */
const answers: Record<string, APIGatewayProxyStructuredResultV2> = {
  '/fine': { statusCode: 200, headers: text, body: 'fine' },
  '/trailer': { statusCode: 200, headers: { ...text, trailer: 'x-checksum' }, body: 'with trailer' },
  '/chunked': { statusCode: 200, headers: { ...text, 'transfer-encoding': 'chunked' }, body: 'chunked?' },
  '/wrong-length': { statusCode: 200, headers: { ...text, 'content-length': '3' }, body: 'longer than 3' },
  '/hop-by-hop': {
    statusCode: 200,
    headers: { ...text, Connection: 'close', 'keep-alive': 'timeout=1', upgrade: 'h2c', te: 'trailers' },
    body: 'hop',
  },
  '/early-hints': { statusCode: 103, headers: { link: '</a.css>; rel=preload' }, body: 'hints' },
  '/continue': { statusCode: 100, headers: text, body: 'continue' },
  '/unsendable': { statusCode: 200, headers: { ...text, 'x-bad': 'a\nb' }, body: 'never sent' },
};

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({
    host: '127.0.0.1',
    port: 0,
    routes: [],
    webhook: async (event) => answers[event.rawPath] ?? { statusCode: 404, body: 'none' },
  });
});
afterAll(() => server.close());

const names = (headers: Array<[string, string]>) => headers.map(([name]) => name);

describe('the local server frames what a handler returns', () => {
  it.each([
    ['/trailer', 'with trailer'],
    ['/chunked', 'chunked?'],
    ['/wrong-length', 'longer than 3'],
    ['/hop-by-hop', 'hop'],
  ])(
    'answers %s with its whole body and its own length, then serves the connection on',
    async (path, body) => {
      const connection = await KeepAliveConnection.open(server.url);
      try {
        const answer = await connection.get(path);
        expect(answer.status).toBe(200);
        expect(answer.body).toBe(body);
        expect(answer.headers.filter(([name]) => name === 'content-length')).toEqual([
          ['content-length', String(Buffer.byteLength(body))],
        ]);
        expect(names(answer.headers)).not.toContain('transfer-encoding');
        expect(names(answer.headers)).not.toContain('trailer');
        expect(names(answer.headers)).not.toContain('upgrade');
        expect(answer.headers).not.toContainEqual(['connection', 'close']);

        const next = await connection.get('/fine');
        expect(next.statusLine).toBe('HTTP/1.1 200 OK');
        expect(next.body).toBe('fine');
        expect(connection.leftover()).toBe('');
      } finally {
        connection.close();
      }
    },
  );

  it.each(['/early-hints', '/continue', '/unsendable'])(
    'answers %s with one clean 500 instead of an interim or half-built answer',
    async (path) => {
      const connection = await KeepAliveConnection.open(server.url);
      try {
        const answer = await connection.get(path);
        expect(answer.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
        expect(answer.body).toBe('Internal error.');
        expect(answer.headers).toContainEqual(['content-length', '15']);
        expect(answer.headers).toContainEqual(['connection', 'close']);
        expect(await connection.isClosed()).toBe(true);
      } finally {
        connection.close();
      }
      const fresh = await KeepAliveConnection.open(server.url);
      try {
        expect((await fresh.get('/fine')).body).toBe('fine');
      } finally {
        fresh.close();
      }
    },
  );
});
