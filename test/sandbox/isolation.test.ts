// Nothing a script does is visible to the next execution (docs/contract.md §3: a fresh runtime each time).
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.close());

async function bodyOf(script: string): Promise<string> {
  const execution = await sandbox.run(scriptRun(script));
  expect(execution.outcome, text(execution.body)).toBe('ok');
  return text(execution.body);
}

describe('state between executions', () => {
  it.each([
    [
      'a global variable',
      'globalThis.leftover = 1; var alsoLeft = 2; null',
      '({ body: [typeof leftover, typeof alsoLeft] })',
      '["undefined","undefined"]',
    ],
    [
      'a polluted prototype',
      "Object.prototype.polluted = 'yes'; Array.prototype.first = 1; null",
      '({ body: [({}).polluted === undefined, [].first === undefined] })',
      '[true,true]',
    ],
    [
      'a replaced built-in',
      "JSON.parse = () => 'hacked'; Math.random = () => 4; null",
      "({ body: [JSON.parse('1'), Math.random() < 1] })",
      '[1,true]',
    ],
    [
      'a changed context',
      "context.method = 'HACKED'; context.body[0] = 0; null",
      '({ body: [context.method, context.body[0]] })',
      '["POST",123]',
    ],
    [
      'a replaced console and crypto',
      'console.log = () => {}; crypto.hmac = null; Deno.core = null; null',
      "console.log('seen'); ({ body: [typeof crypto.hmac, typeof Deno.core.encode] })",
      '["function","function"]',
    ],
  ])('does not keep %s', async (_name, first, second, expected) => {
    await bodyOf(first);
    expect(await bodyOf(second)).toBe(expected);
  });

  it('does not run promise jobs of an earlier execution', async () => {
    await sandbox.run(
      scriptRun('Promise.resolve().then(() => { for (;;) {} }); new Promise(() => {})', {
        limits: { deadlineMs: 100 },
      }),
    );
    const execution = await sandbox.run(scriptRun('Promise.resolve({ body: "clean" })'));
    expect(text(execution.body)).toBe('clean');
  });

  it('starts the same script from a clean state every time it runs', async () => {
    const counter =
      '(async () => { globalThis.n = (globalThis.n ?? 0) + 1; Object.prototype.seen = true; return { body: String(n) }; })()';
    expect([await bodyOf(counter), await bodyOf(counter), await bodyOf(counter)]).toEqual(['1', '1', '1']);
    expect(await bodyOf('({ body: String(({}).seen) })')).toBe('undefined');
  });

  it('keeps each of many different scripts apart, also when one comes back after the others', async () => {
    const script = (i: number) =>
      `(async () => { globalThis.mark = ${i}; return { body: String(${i} * 2) }; })()`;
    for (let i = 0; i < 12; i++) expect(await bodyOf(script(i))).toBe(String(i * 2));
    expect(await bodyOf(script(0))).toBe('0');
    expect(await bodyOf('({ body: typeof mark })')).toBe('undefined');
  });

  it('gives every execution its own Math.random sequence', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) bodies.add(await bodyOf('({ body: String(Math.random()) })'));
    expect(bodies.size).toBe(3);
  });

  it('reports the memory a script keeps at its end, not what an earlier execution kept', async () => {
    const small = await sandbox.run(scriptRun('null'));
    const large = await sandbox.run(scriptRun("globalThis.kept = 'x'.repeat(2 * 1024 * 1024); null"));
    const after = await sandbox.run(scriptRun('null'));
    expect(large.memoryBytes - small.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(after.memoryBytes).toBe(small.memoryBytes);
  });

  it('does not keep anything after a fault', async () => {
    await sandbox.run(scriptRun("globalThis.afterFault = 1; throw new Error('x')"));
    expect(await bodyOf('({ body: typeof afterFault })')).toBe('undefined');
  });
});
