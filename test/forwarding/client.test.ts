// The upstream client against a local upstream on 127.0.0.1: the address check with private addresses refused
// (the default), the rest with them allowed, as `FORWARD_ALLOW_PRIVATE=true` does for local testing.
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient } from '../../lib/forwarding/client.ts';
import { upstreamResponseBodyMaxBytes } from '../../lib/limits.ts';
import { endedMessage, type UpstreamCall } from '../../lib/sandbox/upstream.ts';

/** `zstdCompressSync('hello zstd')`, made on Node 22 (Node 20's zlib cannot). */
const zstdHello = Buffer.from('KLUv/SAKUQAAaGVsbG8genN0ZA==', 'base64');
/** zlib decodes zstd from Node 22.15: `npm run test:node22` takes the other branch of the zstd test. */
const zlibHasZstd = 'zstdDecompressSync' in zlib;

let server: Server;
let port: number;
let received: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/echo': (req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`${req.method} ${req.headers['x-test'] ?? ''}`);
  },
  '/gzip': (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync('hello gzip'));
  },
  '/br': (_req, res) => {
    res.setHeader('content-encoding', 'br');
    res.end(brotliCompressSync('hello br'));
  },
  '/zstd': (_req, res) => {
    res.setHeader('content-encoding', 'zstd');
    res.end(zstdHello);
  },
  '/big': (_req, res) => res.end(Buffer.alloc(upstreamResponseBodyMaxBytes + 1)),
  '/bomb': (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync(Buffer.alloc(upstreamResponseBodyMaxBytes + 1)));
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: '/echo' });
    res.end();
  },
  '/hang': () => {},
};

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    (routes[req.url ?? ''] ?? routes['/echo'])?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = (url: string, more: Partial<UpstreamCall> = {}): UpstreamCall => ({
  url,
  method: 'GET',
  headers: {},
  insecure: false,
  timeoutMs: 10_000,
  decompress: true,
  ...more,
});
const local = new UpstreamClient({ allowPrivate: true });
const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('the upstream client, private addresses refused', () => {
  const client = new UpstreamClient();

  it.each([
    '127.0.0.1',
    '[::1]',
    '169.254.169.254',
    '10.0.0.1',
    '192.168.1.1',
    '172.16.0.1',
    '0.0.0.0',
    '[::ffff:127.0.0.1]',
    '2130706433',
  ])('refuses http://%s before connecting', async (host) => {
    received = [];
    await expect(client.send(call(`http://${host}:${port}/echo`))).rejects.toThrow(
      /^URL not allowed \(non-public address\)/,
    );
    expect(received).toEqual([]);
  });

  it('refuses a name that resolves to a private address, checked on the lookup the socket connects with', async () => {
    received = [];
    const lookups: string[] = [];
    const resolvesPrivate = new UpstreamClient({
      lookup: ((hostname: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) => {
        lookups.push(hostname);
        callback(null, [{ address: '10.0.0.5', family: 4 }]);
      }) as never,
    });
    await expect(resolvesPrivate.send(call(`http://upstream.example:${port}/echo`))).rejects.toThrow(
      /^URL not allowed \(non-public address\)/,
    );
    expect(lookups).toEqual(['upstream.example']);
  });

  it('refuses localhost, which the system resolver maps to loopback', async () => {
    received = [];
    await expect(client.send(call(`http://localhost:${port}/echo`))).rejects.toThrow(
      /^URL not allowed \(non-public address\)/,
    );
    expect(received).toEqual([]);
  });

  it.each([
    ['ftp://example.com/', /^Invalid URL: the scheme must be http or https/],
    ['not a url', /^Invalid URL/],
  ])('refuses the URL %s', async (url, message) => {
    await expect(client.send(call(url))).rejects.toThrow(message);
  });
});

describe('the upstream client, private addresses allowed', () => {
  it("sends the method and headers, without this service's framing headers", async () => {
    received = [];
    const response = await local.send(
      call(`http://127.0.0.1:${port}/echo`, {
        method: 'PATCH',
        headers: { 'X-Test': 'yes', host: 'api.example', 'content-length': '99' },
        body: new TextEncoder().encode('abc'),
      }),
    );
    expect(text(response.body)).toBe('PATCH yes');
    expect(response.headers['content-type']).toBe('text/plain');
    expect(received[0]?.headers.host).toBe(`127.0.0.1:${port}`);
    expect(received[0]?.headers['content-length']).toBe('3');
  });

  it('decodes gzip and brotli and renames content-encoding and content-length', async () => {
    const gzip = await local.send(call(`http://127.0.0.1:${port}/gzip`));
    expect(text(gzip.body)).toBe('hello gzip');
    expect(gzip.headers['x-original-content-encoding']).toBe('gzip');
    expect(gzip.headers['content-encoding']).toBeUndefined();
    expect(gzip.headers['x-original-content-length']).toBe(String(gzipSync('hello gzip').byteLength));
    expect(text((await local.send(call(`http://127.0.0.1:${port}/br`))).body)).toBe('hello br');
  });

  it(`${zlibHasZstd ? 'decodes' : 'leaves encoded'} zstd, as this Node's zlib can`, async () => {
    const zstd = await local.send(call(`http://127.0.0.1:${port}/zstd`));
    if (zlibHasZstd) {
      expect(text(zstd.body)).toBe('hello zstd');
      expect(zstd.headers['x-original-content-encoding']).toBe('zstd');
    } else {
      expect(Buffer.from(zstd.body)).toEqual(zstdHello);
      expect(zstd.headers['content-encoding']).toBe('zstd');
    }
  });

  it('leaves the body encoded without decompress', async () => {
    const raw = await local.send(call(`http://127.0.0.1:${port}/gzip`, { decompress: false }));
    expect(Buffer.from(raw.body)).toEqual(gzipSync('hello gzip'));
    expect(raw.headers['content-encoding']).toBe('gzip');
  });

  it('returns a redirect as it is', async () => {
    received = [];
    const response = await local.send(call(`http://127.0.0.1:${port}/redirect`));
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/echo');
    expect(received.map((r) => r.url)).toEqual(['/redirect']);
  });

  it.each(['/big', '/bomb'])('refuses an answer over the cap (%s)', async (path) => {
    await expect(local.send(call(`http://127.0.0.1:${port}${path}`))).rejects.toThrow(
      /^Upstream response body too large/,
    );
  });

  it('times out on an upstream that never answers', async () => {
    await expect(local.send(call(`http://127.0.0.1:${port}/hang`, { timeoutMs: 50 }))).rejects.toThrow(
      /^Upstream request timed out/,
    );
  });

  it('sends nothing for an execution that ended before the call went out', async () => {
    const before = received.length;
    const ended = AbortSignal.abort();
    await expect(local.send(call(`http://127.0.0.1:${port}/echo`), ended)).rejects.toThrow(endedMessage);
    expect(received).toHaveLength(before);
  });

  it('says it could not connect when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(local.send(call(`http://127.0.0.1:${closedPort}/`))).rejects.toThrow(
      /^Failed to connect to upstream/,
    );
  });

  it.each([
    [{ method: 'GE T' }, /^Invalid HTTP method/],
    [{ headers: { 'bad name': 'x' } }, /^Invalid header name/],
    [{ headers: { ok: 'a\r\nb' } }, /^Invalid header value/],
  ])('refuses a bad call %j', async (more, message) => {
    await expect(local.send(call(`http://127.0.0.1:${port}/echo`, more))).rejects.toThrow(message);
  });
});
