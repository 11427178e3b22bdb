// Deno.core.ops.op_proxy_request inside the sandbox (docs/contract.md §13), against a local upstream on 127.0.0.1 that the
// sandbox may reach because it is made with private addresses allowed (as FORWARD_ALLOW_PRIVATE=true does).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import { requestContext, scriptRun, text } from './fixtures.ts';

let server: Server;
let base: string;
let seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
let sandbox: Sandbox;
let refusing: Sandbox;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/hang') return;
      if (req.url === '/binary') return res.end(Buffer.from([0, 255, 1, 254]));
      if (req.url === '/gzip') {
        res.setHeader('content-encoding', 'gzip');
        return res.end(gzipSync('{"zipped":true}'));
      }
      if (req.url === '/moved') {
        res.writeHead(301, { location: '/elsewhere' });
        return res.end();
      }
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      res.end(`${req.method} ${req.url} ${req.headers['x-token'] ?? '-'} ${body.toString('hex')}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = createSandbox({ upstreamAllowPrivate: true });
  refusing = createSandbox();
});
afterAll(async () => {
  await Promise.all([sandbox.close(), refusing.close()]);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const run = (script: string, limits?: { deadlineMs: number }) =>
  sandbox.run(scriptRun(script.replaceAll('BASE', base), limits ? { limits } : {}));

describe('op_proxy_request', () => {
  it('sends the method, headers and body and answers status, lower-case headers and body bytes', async () => {
    seen = [];
    const execution = await run(`(async () => {
      const r = await Deno.core.ops.op_proxy_request({ url: 'BASE/items?id=7', method: 'PUT', headers: { 'X-Token': 't1' }, body: 'hi' });
      return { body: JSON.stringify([r.statusCode, r.headers['x-upstream'], Deno.core.decode(new Uint8Array(r.body))]) };
    })()`);
    expect(JSON.parse(text(execution.body))).toEqual([201, 'yes', 'PUT /items?id=7 t1 6869']);
    expect(seen[0]?.method).toBe('PUT');
    expect(execution.upstream).toEqual([
      { url: `${base}/items`, method: 'PUT', statusCode: 201, durationMs: expect.any(Number) },
    ]);
  });

  it('forwards a request as Secutils documents it and returns the answer unchanged', async () => {
    seen = [];
    const execution = await sandbox.run(
      scriptRun(
        `(async () => await Deno.core.ops.op_proxy_request({ url: '${base}/binary', method: context.method, headers: context.headers, body: context.body }))();`,
        { context: requestContext({ method: 'POST', body: new Uint8Array([1, 2, 3]) }) },
      ),
    );
    expect(execution.outcome).toBe('ok');
    expect(execution.statusCode).toBe(200);
    expect([...execution.body]).toEqual([0, 255, 1, 254]);
    expect(seen[0]?.body).toEqual(Buffer.from([1, 2, 3]));
    expect(seen[0]?.headers['x-hub-signature-256']).toBe('sha256=00');
  });

  it("gives the answer's body as bytes whose JSON is Secutils' number[]", async () => {
    const execution = await run(`(async () => {
      const r = await Deno.core.ops.op_proxy_request({ url: 'BASE/binary' });
      return { body: JSON.stringify({ bytes: r.body, first: r.body[1], copy: new Uint8Array(r.body).length }) };
    })()`);
    expect(JSON.parse(text(execution.body))).toEqual({ bytes: [0, 255, 1, 254], first: 255, copy: 4 });
  });

  it.each([
    ['a number array', '[1, 2, 255]', '0102ff'],
    ['an ArrayBuffer', 'new Uint8Array([9]).buffer', '09'],
    ['a Uint8Array', 'new Uint8Array([7, 8])', '0708'],
    ['a string', "'é'", 'c3a9'],
  ])('takes the body as %s', async (_kind, body, hex) => {
    const execution = await run(`(async () => {
      const r = await Deno.core.ops.op_proxy_request({ url: 'BASE/echo', method: 'POST', body: ${body} });
      return { body: r.body };
    })()`);
    expect(text(execution.body)).toBe(`POST /echo - ${hex}`);
  });

  it('decodes a gzip answer unless told not to', async () => {
    const execution = await run(`(async () => {
      const a = await Deno.core.ops.op_proxy_request({ url: 'BASE/gzip' });
      const b = await Deno.core.ops.op_proxy_request({ url: 'BASE/gzip', decompress: false });
      return { body: [Deno.core.decode(a.body), a.headers['x-original-content-encoding'], b.headers['content-encoding'], b.body.length > 0 && b.body[0] === 0x1f] };
    })()`);
    expect(JSON.parse(text(execution.body))).toEqual(['{"zipped":true}', 'gzip', 'gzip', true]);
  });

  it('returns a redirect as it is, without following it', async () => {
    seen = [];
    const execution = await run(
      `(async () => await Deno.core.ops.op_proxy_request({ url: 'BASE/moved' }))()`,
    );
    expect(execution.statusCode).toBe(301);
    expect(execution.headers).toContainEqual(['location', '/elsewhere']);
    expect(seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it('runs calls concurrently with Promise.all', async () => {
    const execution = await run(`(async () => {
      const all = await Promise.all([1, 2, 3].map((n) => Deno.core.ops.op_proxy_request({ url: 'BASE/n' + n })));
      return { body: all.map((r) => Deno.core.decode(r.body).split(' ')[1]) };
    })()`);
    expect(JSON.parse(text(execution.body))).toEqual(['/n1', '/n2', '/n3']);
  });

  it('rejects the 11th call of an execution, after 10 sent', async () => {
    seen = [];
    const execution = await run(`(async () => {
      for (let i = 0; i < 10; i++) await Deno.core.ops.op_proxy_request({ url: 'BASE/' + i });
      try { await Deno.core.ops.op_proxy_request({ url: 'BASE/11' }); return { body: 'sent' }; }
      catch (e) { return { statusCode: 502, body: e.message }; }
    })()`);
    expect(execution.statusCode).toBe(502);
    expect(text(execution.body)).toMatch(/^Upstream request failed: at most 10 requests/);
    expect(seen).toHaveLength(10);
    expect(execution.upstream).toHaveLength(10);
  });

  it('cuts a call the script did not wait for when the script ends, and records it', async () => {
    const execution = await run(
      `(() => { Deno.core.ops.op_proxy_request({ url: 'BASE/hang' }); return { body: 'done' }; })()`,
    );
    expect(text(execution.body)).toBe('done');
    expect(execution.upstream).toEqual([
      expect.objectContaining({ url: `${base}/hang`, error: 'Upstream request failed: the script ended' }),
    ]);
    const after = await run(`({ body: 'after' })`);
    expect(text(after.body)).toBe('after');
  });

  it('times out at the script deadline when the upstream never answers', async () => {
    const execution = await run(
      `(async () => { try { await Deno.core.ops.op_proxy_request({ url: 'BASE/hang' }); } catch (e) { return { body: e.message }; } })()`,
      { deadlineMs: 300 },
    );
    expect(execution.outcome).toBe('timeout');
    expect(execution.statusCode).toBe(504);
    const after = await run(`({ body: 'after' })`);
    expect(text(after.body)).toBe('after');
  });

  it('rejects with a timeout the script can catch when its own timeout is shorter than the deadline', async () => {
    const execution = await run(
      `(async () => { try { await Deno.core.ops.op_proxy_request({ url: 'BASE/hang', timeout: 50 }); } catch (e) { return { statusCode: 502, body: e.message }; } })()`,
      { deadlineMs: 25_000 },
    );
    expect(execution.statusCode).toBe(502);
    expect(text(execution.body)).toMatch(/^Upstream request timed out/);
    expect(execution.upstream?.[0]?.error).toMatch(/^Upstream request timed out/);
  });

  it.each([
    ["{ url: 'nope' }", /^Invalid URL/],
    ["{ url: 'file:///etc/passwd' }", /^Invalid URL/],
    ["{ url: 'BASE/', method: 'G E T' }", /^Invalid HTTP method/],
    ["{ url: 'BASE/', headers: { 'bad header': 'x' } }", /^Invalid header name/],
  ])(
    'rejects %s with the message SPEC §13 gives, which a try/catch can answer as 502',
    async (options, message) => {
      const execution = await run(`(async () => {
      try { await Deno.core.ops.op_proxy_request(${options}); return { body: 'sent' }; }
      catch (e) { return { statusCode: 502, body: (e instanceof Error) + ' ' + e.message }; }
    })()`);
      expect(execution.statusCode).toBe(502);
      expect(text(execution.body).replace(/^true /, '')).toMatch(message);
    },
  );

  it('fails the script with the message when it does not catch', async () => {
    const execution = await run(
      `(async () => await Deno.core.ops.op_proxy_request({ url: 'gopher://x' }))()`,
    );
    expect(execution.outcome).toBe('error');
    expect(text(execution.body)).toMatch(/^Script error: Invalid URL/);
  });

  it.each([
    '127.0.0.1',
    '[::1]',
    '169.254.169.254',
    '10.0.0.1',
    '192.168.1.1',
    '172.16.0.1',
    '0.0.0.0',
    '[::ffff:127.0.0.1]',
    'localhost',
  ])('refuses %s when private addresses are not allowed (the default)', async (host) => {
    seen = [];
    const port = new URL(base).port;
    const execution = await refusing.run(
      scriptRun(`(async () => {
        try { await Deno.core.ops.op_proxy_request({ url: 'http://${host}:${port}/' }); return { body: 'sent' }; }
        catch (e) { return { statusCode: 502, body: e.message }; }
      })()`),
    );
    expect(text(execution.body)).toBe('URL not allowed (non-public address)');
    expect(seen).toEqual([]);
  });
});
