import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { defaults, scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox();
/** The stop-time checks measure wall time: on a machine shared with other builds a run can be starved once. */
const timingRetries = 2;
afterAll(() => sandbox.close());

describe('a script that answers', () => {
  it('answers with what an async IIFE returns, trailing semicolon included', async () => {
    const execution = await sandbox.run(
      scriptRun('(async () => { return { statusCode: 201, body: context.query.name }; })();'),
    );
    expect(execution.outcome).toBe('ok');
    expect(execution.statusCode).toBe(201);
    expect(text(execution.body)).toBe('grace');
    expect(execution.headers).toEqual(defaults.headers);
  });

  it('keeps the defaults when the script returns undefined', async () => {
    const execution = await sandbox.run(scriptRun('(() => undefined)()'));
    expect(execution).toMatchObject({ outcome: 'ok', statusCode: 202, headers: defaults.headers });
    expect(text(execution.body)).toBe('{"default":true}');
  });

  it('replaces the default headers with the headers object of the result', async () => {
    const execution = await sandbox.run(scriptRun("({ headers: { 'x-one': '1' }, body: { ok: true } })"));
    expect(execution.headers).toEqual([['x-one', '1']]);
    expect(text(execution.body)).toBe('{"ok":true}');
  });
});

describe('a script that never stops', { retry: timingRetries }, () => {
  it('is stopped at its deadline and the next script runs', async () => {
    const started = performance.now();
    const execution = await sandbox.run(scriptRun('while (true) {}', { limits: { deadlineMs: 200 } }));
    expect(performance.now() - started).toBeLessThan(200 + 250);
    expect(execution.outcome).toBe('timeout');
    expect(execution.statusCode).toBe(504);
    expect(text(execution.body)).toBe('Script exceeded time limit (200 ms).');
    expect((await sandbox.run(scriptRun('({ body: "after" })'))).outcome).toBe('ok');
  });

  it('is stopped from outside when stuck in a native built-in', async () => {
    const started = performance.now();
    const execution = await sandbox.run(
      scriptRun('Array.prototype.join.call({ length: 2 ** 31 })', { limits: { deadlineMs: 200 } }),
    );
    expect(performance.now() - started).toBeLessThan(200 + 250);
    expect(execution).toMatchObject({ outcome: 'timeout', statusCode: 504, recycled: 'hard-stop' });
    expect(text((await sandbox.run(scriptRun('({ body: "after" })'))).body)).toBe('after');
  });
});

describe('memory used', () => {
  it('counts the bytes the script holds at the end', async () => {
    const small = await sandbox.run(scriptRun('({ body: "x" })'));
    const large = await sandbox.run(
      scriptRun('globalThis.kept = new Uint8Array(3 * 1024 * 1024); ({ body: "x" })'),
    );
    expect(small.memoryBytes).toBeGreaterThan(0);
    expect(small.memoryBytes).toBeLessThan(1024 * 1024);
    expect(large.memoryBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(large.memoryBytes).toBeLessThan(4 * 1024 * 1024);
  });
});
