// One execution's upstream calls (lib/sandbox/upstream.ts) with a transport that answers as told: the cap, the
// timeout each call gets, and what is recorded.
import { describe, expect, it } from 'vitest';
import { hardStopGraceMs, upstreamCallsMax } from '../../lib/limits.ts';
import {
  type UpstreamCall,
  UpstreamCalls,
  UpstreamFailure,
  type UpstreamOptions,
  type UpstreamTransport,
} from '../../lib/sandbox/upstream.ts';

const options = (more: Partial<UpstreamOptions> = {}): UpstreamOptions => ({
  url: 'https://upstream.example/hook?token=secret#part',
  method: 'POST',
  headers: {},
  insecure: false,
  decompress: true,
  ...more,
});

function transport(
  answer: (call: UpstreamCall, signal: AbortSignal) => Promise<never> | Promise<{ statusCode: number }>,
) {
  const calls: UpstreamCall[] = [];
  const sender: UpstreamTransport = {
    send: async (call, signal) => {
      calls.push(call);
      const response = await answer(call, signal);
      return { headers: {}, body: new Uint8Array(0), ...response };
    },
  };
  return { calls, sender };
}

describe('UpstreamCalls', () => {
  it('records each call with its URL without query or fragment, and its status', async () => {
    const { sender } = transport(async () => ({ statusCode: 204 }));
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    await upstream.send(options(), undefined);
    expect(upstream.records).toEqual([
      {
        url: 'https://upstream.example/hook',
        method: 'POST',
        statusCode: 204,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it(`refuses call ${upstreamCallsMax + 1} without sending it`, async () => {
    const { calls, sender } = transport(async () => ({ statusCode: 200 }));
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    for (let i = 0; i < upstreamCallsMax; i++) await upstream.send(options(), undefined);
    await expect(upstream.send(options(), undefined)).rejects.toThrow(/^Upstream request failed: at most 10/);
    expect(calls).toHaveLength(upstreamCallsMax);
    expect(upstream.records).toHaveLength(upstreamCallsMax);
  });

  it("keeps a script's timeout shorter than the time left, and leaves a longer one to the deadline", async () => {
    const { calls, sender } = transport(async () => ({ statusCode: 200 }));
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    await upstream.send(options({ timeoutMs: 250 }), undefined);
    await upstream.send(options({ timeoutMs: 10 * 60_000 }), undefined);
    await upstream.send(options(), undefined);
    expect(calls[0]?.timeoutMs).toBe(250);
    for (const call of calls.slice(1)) {
      expect(call.timeoutMs).toBeGreaterThan(hardStopGraceMs);
      expect(call.timeoutMs).toBeLessThanOrEqual(60_000 + hardStopGraceMs);
    }
  });

  it('passes a failure on with its message and records it', async () => {
    const { sender } = transport(async () => {
      throw new UpstreamFailure('Failed to connect to upstream: ECONNREFUSED');
    });
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    await expect(upstream.send(options(), undefined)).rejects.toThrow(
      'Failed to connect to upstream: ECONNREFUSED',
    );
    expect(upstream.records[0]?.error).toBe('Failed to connect to upstream: ECONNREFUSED');
    expect(upstream.records[0]?.statusCode).toBeUndefined();
  });

  it("says only 'Upstream request failed' for a transport's own fault (nothing of the host reaches the script)", async () => {
    const { sender } = transport(async () => {
      throw new TypeError('at /var/task/index.js:1');
    });
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    await expect(upstream.send(options(), undefined)).rejects.toThrow(/^Upstream request failed$/);
  });

  it('fails every call where no transport was given', async () => {
    const upstream = new UpstreamCalls(undefined, Date.now() + 60_000);
    await expect(upstream.send(options(), undefined)).rejects.toThrow(
      /^Upstream request failed: forwarding is not available/,
    );
  });

  it('cuts the calls still open when the execution ends and records them as cut', async () => {
    const { sender } = transport(
      (_call, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () =>
            reject(new UpstreamFailure('Upstream request failed: the script ended')),
          ),
        ),
    );
    const upstream = new UpstreamCalls(sender, Date.now() + 60_000);
    const open = upstream.send(options(), undefined);
    upstream.end();
    expect(upstream.records[0]?.error).toBe('Upstream request failed: the script ended');
    await expect(open).rejects.toThrow('the script ended');
  });
});
