// Several workers: a stuck script in one worker does not stop the others from serving; requests queue.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hardStopGraceMs } from '../../lib/limits.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { fakeHardStopClock, scriptRun, stuckInNativeCode, text } from './fixtures.ts';

describe('a pool of two workers', () => {
  const sandbox = createSandbox({ poolSize: 2 });
  afterAll(() => sandbox.close());

  it('serves other requests while one script is stuck in a native built-in', async () => {
    await Promise.all([sandbox.run(scriptRun('null')), sandbox.run(scriptRun('null'))]);
    fakeHardStopClock();
    try {
      let stuckDone = false;
      // On the fake clock the stuck script's hard stop waits for the test, however long the five answers take.
      const stuck = sandbox
        .run(scriptRun(stuckInNativeCode, { limits: { deadlineMs: 1_000 } }))
        .finally(() => {
          stuckDone = true;
        });
      for (let i = 0; i < 5; i++) {
        const execution = await sandbox.run(scriptRun(`({ body: 'served ${i}' })`));
        expect(text(execution.body)).toBe(`served ${i}`);
      }
      expect(stuckDone).toBe(false);
      vi.advanceTimersByTime(1_000 + hardStopGraceMs);
      expect(await stuck).toMatchObject({ outcome: 'timeout', recycled: 'hard-stop' });
    } finally {
      vi.useRealTimers();
    }
    expect(sandbox.stats().recycles['hard-stop']).toBe(1);
  });
});

describe('a script that ran out of time, in a pool of two workers', () => {
  const sandbox = createSandbox({ poolSize: 2 });
  afterAll(() => sandbox.close());

  it('runs on one worker only afterwards, so other scripts are served while two copies of it wait', async () => {
    // Stuck in native code, the copies end only when the fake clock reaches their hard stop.
    const slow = scriptRun(stuckInNativeCode, { limits: { deadlineMs: 300 } });
    fakeHardStopClock();
    try {
      const finished: string[] = [];
      const track = (name: string, run: Promise<{ outcome: string }>) =>
        run.then((execution) => {
          finished.push(`${name}:${execution.outcome}`);
        });
      // Polling advances the fake clock: each copy is stopped once it holds a worker (a fresh worker after each
      // hard stop, which a loaded machine starts slowly).
      const stopAll = { timeout: 60_000, interval: 50 };
      void track('first', sandbox.run(slow));
      await vi.waitFor(() => expect(finished).toEqual(['first:timeout']), stopAll);
      finished.length = 0;
      // Before confinement the two copies took both workers and the quick script waited for one of them.
      const copies = [track('slow 1', sandbox.run(slow)), track('slow 2', sandbox.run(slow))];
      await track('quick', sandbox.run(scriptRun("({ body: 'quick' })")));
      expect(finished).toEqual(['quick:ok']);
      await vi.waitFor(() => expect(finished).toHaveLength(3), stopAll);
      await Promise.all(copies);
      expect(finished).toEqual(['quick:ok', 'slow 1:timeout', 'slow 2:timeout']);
    } finally {
      vi.useRealTimers();
    }
  }, 120_000);

  it('does not hold up a script that never ran out of time', async () => {
    const executions = await Promise.all(
      Array.from({ length: 4 }, (_, i) => sandbox.run(scriptRun(`({ body: 'fine ${i}' })`))),
    );
    expect(executions.map((execution) => text(execution.body))).toEqual([
      'fine 0',
      'fine 1',
      'fine 2',
      'fine 3',
    ]);
  });
});

describe('a pool of one worker', () => {
  const sandbox = createSandbox();
  afterAll(() => sandbox.close());

  it('queues concurrent requests and answers each with its own result', async () => {
    const executions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sandbox.run(scriptRun(`(async () => ({ body: String(${i}) }))()`))),
    );
    expect(executions.map((execution) => text(execution.body))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(sandbox.stats().executions).toBe(8);
  });

  it('ends executions still running or queued when it closes', async () => {
    const closing = createSandbox();
    await closing.run(scriptRun('null'));
    const running = closing
      .run(scriptRun('while (true) {}', { limits: { deadlineMs: 10_000 } }))
      .catch((e) => e);
    // The worker is ready, so the pool handed the loop to it at once; the next one waits behind it.
    const queued = closing.run(scriptRun('null')).catch((e) => e);
    await closing.close();
    expect(String(await running)).toMatch(/closed/);
    expect(String(await queued)).toMatch(/closed/);
  });

  it('refuses work after close', async () => {
    const closing = createSandbox();
    await closing.close();
    await expect(closing.run(scriptRun('null'))).rejects.toThrow(/closed/);
  });
});
