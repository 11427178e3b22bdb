// docs/contract.md §9: the same script, request, seed and start time give the same answer byte for byte, in any sandbox.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, type ScriptRun } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

const first = createSandbox();
const second = createSandbox();
afterAll(() => Promise.all([first.close(), second.close()]));

const script = `(() => {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const ticks = [];
  for (let i = 0; i < 20000; i++) ticks.push(Date.now());
  return { body: {
    random: [Math.random(), Math.random()],
    uuid: crypto.randomUUID(),
    bytes: Array.from(bytes),
    now: Date.now(),
    date: new Date().toISOString(),
    called: typeof Date(),
    frozen: ticks[0] === ticks[ticks.length - 1],
    given: new Date(0).toISOString(),
    parsed: new Date('2020-01-02T03:04:05Z').getTime(),
    isDate: new Date() instanceof Date,
    more: Math.random(),
  } };
})()`;

const seedA = new Uint8Array(32).fill(7);
const seedB = new Uint8Array(32).fill(8);
const nowMs = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
const run = (overrides: Partial<ScriptRun>) => scriptRun(script, overrides);

describe('deterministic executions', () => {
  it('gives the same bytes for the same seed and time in two sandboxes', async () => {
    const a = await first.run(run({ seed: seedA, nowMs }));
    // The other sandbox has run something else first: nothing of an earlier execution carries over.
    await second.run(scriptRun('Math.random(); crypto.randomUUID(); null', { seed: seedB, nowMs: 5 }));
    const b = await second.run(run({ seed: seedA, nowMs }));
    expect(a.outcome).toBe('ok');
    expect(Buffer.from(b.body).equals(Buffer.from(a.body))).toBe(true);
    expect(a.seed).toEqual(seedA);
    expect(a.startedAtMs).toBe(nowMs);
    const body = JSON.parse(text(a.body));
    expect(body).toMatchObject({
      now: nowMs,
      date: '2024-05-01T12:00:00.123Z',
      called: 'string',
      frozen: true,
      given: '1970-01-01T00:00:00.000Z',
      parsed: Date.UTC(2020, 0, 2, 3, 4, 5),
      isDate: true,
    });
    expect(body.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const r of [...body.random, body.more]) expect(r >= 0 && r < 1).toBe(true);
    expect(new Set([...body.random, body.more]).size).toBe(3);
  });

  it('gives other randomness for another seed, and the same clock', async () => {
    const a = JSON.parse(text((await first.run(run({ seed: seedA, nowMs }))).body));
    const b = JSON.parse(text((await first.run(run({ seed: seedB, nowMs }))).body));
    expect(b.random).not.toEqual(a.random);
    expect(b.uuid).not.toBe(a.uuid);
    expect(b.bytes).not.toEqual(a.bytes);
    expect(b.now).toBe(a.now);
  });

  it('draws a fresh seed and the current time when none is given', async () => {
    const before = Date.now();
    const a = await first.run(run({}));
    const b = await first.run(run({}));
    expect(a.seed).toHaveLength(32);
    expect(Buffer.from(a.seed).equals(Buffer.from(b.seed))).toBe(false);
    expect(JSON.parse(text(a.body)).uuid).not.toBe(JSON.parse(text(b.body)).uuid);
    expect(a.startedAtMs).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(text(a.body)).now).toBe(a.startedAtMs);
  });

  it('refuses a seed that is not 32 bytes', async () => {
    await expect(first.run(run({ seed: new Uint8Array(16) }))).rejects.toThrow(/32 bytes/);
  });
});
