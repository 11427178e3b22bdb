// Issue 11 §1: a script nested deeper than QuickJS's parser can hold ends in the engine's own answer, at save
// (the syntax check) and at run alike, and never takes the sandbox worker down with it.
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../lib/sandbox/engine.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { resolveLimits } from '../../lib/sandbox/limits.ts';
import type { RunJob } from '../../lib/sandbox/protocol.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';
import { requestContext, scriptRun, text } from './fixtures.ts';

const { wasmModule, layout } = loadQuickJsWasm();

const sandbox = createSandbox();
afterAll(() => sandbox.close());

/** Each makes a script nested `depth` levels deep that compiles when the parser can hold it. */
const nestings: Array<[string, (depth: number) => string]> = [
  ['parentheses', (depth) => `${'('.repeat(depth)}1${')'.repeat(depth)}`],
  ['object literals', (depth) => `(${'{a:'.repeat(depth)}1${'}'.repeat(depth)})`],
  ['array literals', (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`],
  ['arrow functions', (depth) => `${'() => '.repeat(depth)}1`],
  ['template literals', (depth) => `${'`${'.repeat(depth)}1${'}`'.repeat(depth)}`],
  ['regular expressions', (depth) => `/${'(?:'.repeat(depth)}a${')'.repeat(depth)}/`],
];

/** The answers a script the parser cannot hold may get: QuickJS's own, never the host's. */
const refusedOutcomes = ['syntax', 'stack', 'memory'];

/** The deepest nesting the save check accepts (monotone in depth for these shapes). */
async function deepestAccepted(make: (depth: number) => string): Promise<number> {
  let accepted = 100;
  let refused = 100_000;
  while (refused - accepted > 1) {
    const depth = Math.floor((accepted + refused) / 2);
    if ((await sandbox.checkSyntax(make(depth))).ok) accepted = depth;
    else refused = depth;
  }
  return accepted;
}

async function expectBenignRunAfter(): Promise<void> {
  const benign = await sandbox.run(scriptRun("({ statusCode: 200, body: 'still here' })"));
  expect(benign).toMatchObject({ outcome: 'ok', statusCode: 200 });
  expect(benign.recycled).toBeUndefined();
  expect(text(benign.body)).toBe('still here');
}

/** Checks the script, runs it, then runs a benign script on the same worker. */
async function expectSameAnswerAtSaveAndRun(script: string): Promise<boolean> {
  const check = await sandbox.checkSyntax(script);
  const run = await sandbox.run(scriptRun(script));
  // Never the host's own failure: the worker neither died nor was stopped.
  expect(run.recycled === 'worker-exit' || run.recycled === 'hard-stop').toBe(false);
  if (check.ok) {
    // Accepted at save: it compiles at run too (running it may still need more memory than it has).
    expect(['syntax', 'stack', 'error']).not.toContain(run.outcome);
  } else {
    expect(refusedOutcomes).toContain(run.outcome);
    expect(run.statusCode).toBe(500);
    if (run.outcome === 'syntax') expect(text(run.body)).toContain(check.message);
  }
  await expectBenignRunAfter();
  return check.ok;
}

describe.each(nestings)('a script nested in %s', (_kind, make) => {
  it('gets the same answer at save and at run from shallow to far beyond the limit', async () => {
    const accepted = [];
    for (const depth of [100, 2_000, 11_000, 100_000])
      accepted.push(await expectSameAnswerAtSaveAndRun(make(depth)));
    expect(accepted[0]).toBe(true);
    expect(accepted.slice(2)).toEqual([false, false]);
    expect(sandbox.stats().recycles['worker-exit']).toBeUndefined();
  });
});

describe('a script at the limit of the parser', () => {
  it('is accepted one level below it and refused at it, at save and at run alike', async () => {
    const parentheses = nestings[0]?.[1] as (depth: number) => string;
    const edge = await deepestAccepted(parentheses);
    // Far above anything a real script nests.
    expect(edge).toBeGreaterThan(2_000);
    expect(await expectSameAnswerAtSaveAndRun(parentheses(edge))).toBe(true);
    expect(await expectSameAnswerAtSaveAndRun(parentheses(edge + 1))).toBe(false);
    expect(sandbox.stats().recycles['worker-exit']).toBeUndefined();
  });
});

describe('the depths of issue 11', () => {
  it.each([10_606, 10_609, 11_000, 30_000])(
    'refuses %i nested parentheses at save with the stack overflow, and at run the same way',
    async (depth) => {
      const script = `${'('.repeat(depth)}1${')'.repeat(depth)}`;
      expect(await sandbox.checkSyntax(script)).toEqual({ ok: false, message: 'stack overflow', line: 1 });
      const run = await sandbox.run(scriptRun(script));
      expect(run.outcome).toBe('syntax');
      expect(text(run.body)).toBe('Script syntax error: stack overflow (line 1)');
      expect(run.recycled).toBeUndefined();
      await expectBenignRunAfter();
    },
  );
});

describe('an engine whose host stack runs out before QuickJS notices', () => {
  // On this thread's ~1 MB native stack (a sandbox worker has 64 MiB) the parser overflows the host's stack
  // long before QuickJS's 512 KiB: the engine answers for it and drops only the module.
  const engine = new Engine(wasmModule, layout);
  const request = (script: string): RunJob => ({
    kind: 'run',
    script,
    context: requestContext(),
    limits: resolveLimits(undefined),
  });
  const deep = `${'('.repeat(8_000)}1${')'.repeat(8_000)}`;

  it('answers stack for the run and a syntax fault for the check, and keeps working', async () => {
    expect(await engine.run(request(deep))).toMatchObject({ outcome: 'stack', recycled: 'corrupted' });
    expect(await engine.checkSyntax(deep)).toEqual({ ok: false, message: 'stack overflow', line: 1 });
    expect(await engine.checkSyntax('({ body: 1 })')).toEqual({ ok: true });
    const after = await engine.run(request("({ body: 'still here' })"));
    expect(after).toMatchObject({ outcome: 'ok', body: new TextEncoder().encode('still here') });
    expect(after.recycled).toBeUndefined();
  });
});
