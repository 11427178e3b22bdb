// Several workers: a stuck script in one worker does not stop the others from serving; requests queue.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

describe('a pool of two workers', () => {
  const sandbox = createSandbox({ poolSize: 2 });
  afterAll(() => sandbox.close());

  it('serves other requests while one script is stuck in a native built-in', async () => {
    await Promise.all([sandbox.run(scriptRun('null')), sandbox.run(scriptRun('null'))]);
    const stuck = sandbox.run(
      scriptRun('Array.prototype.join.call({ length: 2 ** 31 })', { limits: { deadlineMs: 1_500 } }),
    );
    let stuckDone = false;
    void stuck.then(() => {
      stuckDone = true;
    });
    for (let i = 0; i < 5; i++) {
      const execution = await sandbox.run(scriptRun(`({ body: 'served ${i}' })`));
      expect(text(execution.body)).toBe(`served ${i}`);
    }
    expect(stuckDone).toBe(false);
    const stopped = await stuck;
    expect(stopped).toMatchObject({ outcome: 'timeout', recycled: 'hard-stop' });
    expect(sandbox.stats().recycles['hard-stop']).toBe(1);
  });
});

describe('a script that ran out of time, in a pool of two workers', () => {
  const sandbox = createSandbox({ poolSize: 2 });
  afterAll(() => sandbox.close());

  it('runs on one worker only afterwards, so other scripts are served while two copies of it wait', async () => {
    const slow = scriptRun('while (true) {}', { limits: { deadlineMs: 300 } });
    expect(await sandbox.run(slow)).toMatchObject({ outcome: 'timeout' });
    const finished: string[] = [];
    const track = (name: string, run: Promise<{ outcome: string }>) =>
      run.then((execution) => {
        finished.push(`${name}:${execution.outcome}`);
      });
    // Before confinement the two copies took both workers and the quick script waited for one of them.
    const all = [
      track('slow 1', sandbox.run(slow)),
      track('slow 2', sandbox.run(slow)),
      track('quick', sandbox.run(scriptRun("({ body: 'quick' })"))),
    ];
    await Promise.all(all);
    expect(finished).toEqual(['quick:ok', 'slow 1:timeout', 'slow 2:timeout']);
  });

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
    const queued = closing.run(scriptRun('null')).catch((e) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
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
