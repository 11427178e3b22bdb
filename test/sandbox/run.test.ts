import { afterAll, describe, expect, it, vi } from 'vitest';
import { hardStopGraceMs } from '../../lib/limits.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { defaults, fakeHardStopClock, scriptRun, stuckInNativeCode, text } from './fixtures.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.close());

/**
 * The README's promise is an answer at deadline + hardStopGraceMs; on a machine busy with other work the host's
 * timer fires late, so the wall-clock check allows this much more. The exact moment is checked on a fake clock.
 */
const busyMachineMarginMs = 5_000;

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

describe('a script that never stops', () => {
  it('is stopped at its deadline and the next script runs', async () => {
    // The worker has started: the time measured is the script's.
    await sandbox.run(scriptRun('null'));
    const started = performance.now();
    const execution = await sandbox.run(scriptRun('while (true) {}', { limits: { deadlineMs: 200 } }));
    expect(performance.now() - started).toBeLessThan(200 + hardStopGraceMs + busyMachineMarginMs);
    expect(execution.outcome).toBe('timeout');
    expect(execution.statusCode).toBe(504);
    expect(text(execution.body)).toBe('Script exceeded time limit (200 ms).');
    expect((await sandbox.run(scriptRun('({ body: "after" })'))).outcome).toBe('ok');
  });

  it('is stopped from outside when stuck in a native built-in, exactly when the grace after its deadline ends', async () => {
    await sandbox.run(scriptRun('null'));
    fakeHardStopClock();
    try {
      let settled = false;
      // The worker is ready, so the pool hands the script over, and starts its hard-stop timer, at once.
      const stuck = sandbox.run(scriptRun(stuckInNativeCode, { limits: { deadlineMs: 200 } })).finally(() => {
        settled = true;
      });
      vi.advanceTimersByTime(200 + hardStopGraceMs - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await stuck).toMatchObject({ outcome: 'timeout', statusCode: 504, recycled: 'hard-stop' });
    } finally {
      vi.useRealTimers();
    }
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
