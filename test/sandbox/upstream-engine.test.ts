// The engine's side of upstream calls, on this thread with a transport that answers as told (no network): the
// guest's promise settles from the host's answer, and a call that never ends leaves the script to its deadline.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../lib/sandbox/engine.ts';
import { resolveLimits } from '../../lib/sandbox/limits.ts';
import type { RunJob } from '../../lib/sandbox/protocol.ts';
import { UpstreamFailure, type UpstreamTransport } from '../../lib/sandbox/upstream.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';
import { requestContext, text } from './fixtures.ts';

const { wasmModule: wasm, layout } = loadQuickJsWasm();
const request = (script: string, deadlineMs = 5_000): RunJob => ({
  kind: 'run',
  script,
  context: requestContext(),
  limits: resolveLimits({ deadlineMs }),
});

const answering: UpstreamTransport = {
  send: async (call) => {
    if (call.url.endsWith('/refused')) throw new UpstreamFailure('URL not allowed (non-public address)');
    if (call.url.endsWith('/never')) return new Promise(() => {});
    return { statusCode: 207, headers: { 'x-from': call.method }, body: new TextEncoder().encode('up') };
  },
};

describe('an engine with an upstream transport', () => {
  const engine = new Engine(wasm, layout, answering);

  it("settles the guest's promise with the transport's answer", async () => {
    const answer = await engine.run(
      request(`(async () => {
        const r = await Deno.core.ops.op_proxy_request({ url: 'https://u.example/a', method: 'PUT' });
        return { statusCode: r.statusCode, body: r.headers['x-from'] + ' ' + Deno.core.decode(r.body) };
      })()`),
    );
    expect(answer.statusCode).toBe(207);
    expect(text(answer.body ?? new Uint8Array())).toBe('PUT up');
    expect(answer.upstream).toEqual([
      { url: 'https://u.example/a', method: 'PUT', statusCode: 207, durationMs: expect.any(Number) },
    ]);
  });

  it("rejects the guest's promise with the transport's message", async () => {
    const answer = await engine.run(
      request(`(async () => { try { await Deno.core.ops.op_proxy_request({ url: 'https://u.example/refused' }); }
        catch (e) { return { statusCode: 502, body: e.message }; } })()`),
    );
    expect(answer.statusCode).toBe(502);
    expect(text(answer.body ?? new Uint8Array())).toBe('URL not allowed (non-public address)');
  });

  it('leaves a script waiting on a call that never ends to its deadline, and runs the next one', async () => {
    const waiting = engine.run(
      request(
        `(async () => await Deno.core.ops.op_proxy_request({ url: 'https://u.example/never' }))()`,
        200,
      ),
    );
    const answer = await waiting;
    expect(answer.outcome).toBe('timeout');
    expect(answer.upstream?.[0]?.error).toBe('Upstream request failed: the script ended');
    const next = await engine.run(request(`({ body: 'next' })`));
    expect(text(next.body ?? new Uint8Array())).toBe('next');
  });

  it('keeps "unsettled" for a promise nothing can settle, with no call open', async () => {
    const answer = await engine.run(request('new Promise(() => {})'));
    expect(answer.outcome).toBe('unsettled');
  });
});

describe('an engine without an upstream transport', () => {
  it('rejects every call', async () => {
    const answer = await new Engine(wasm, layout).run(
      request(`(async () => { try { await Deno.core.ops.op_proxy_request({ url: 'https://u.example/' }); }
        catch (e) { return { body: e.message }; } })()`),
    );
    expect(text(answer.body ?? new Uint8Array())).toMatch(
      /^Upstream request failed: forwarding is not available/,
    );
  });
});
