// Checking a script without running it (for validation on upload).
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.close());

describe('checkSyntax', () => {
  it.each([
    ['an async IIFE with a trailing semicolon', '(async () => ({ body: 1 }))();'],
    ['a semicolon followed by a comment', '(async () => ({ body: 1 }))(); // end'],
    ['statements', 'const a = 1;\n({ body: a })'],
  ])('accepts %s', async (_name, script) => {
    expect(await sandbox.checkSyntax(script)).toEqual({ ok: true });
  });

  it('reports the message and the line in the user script', async () => {
    const check = await sandbox.checkSyntax('(async () => {\n  const a = 1;\n  return { body: a ;\n})();');
    expect(check).toMatchObject({ ok: false, line: 3 });
    expect(check.ok === false && check.message.length).toBeGreaterThan(0);
  });

  it('never runs the script', async () => {
    // Run, either would end in the check's time limit: not ok, and the worker replaced.
    expect(await sandbox.checkSyntax('while (true) {}')).toEqual({ ok: true });
    expect(await sandbox.checkSyntax('Array.prototype.join.call({ length: 2 ** 31 })')).toEqual({ ok: true });
    expect(sandbox.stats().recycles).toEqual({});
  });
});
