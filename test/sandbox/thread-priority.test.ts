// The worker that confined scripts run on has a lower priority than the rest of the process, where the pool
// has other workers; a pool of one keeps its worker at normal priority (Lambda runs one).
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { confinedWorkerNiceness } from '../../lib/limits.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { currentThreadId } from '../../lib/sandbox/thread-priority.ts';
import { scriptRun } from './fixtures.ts';

/** The nice value of each thread of this process (field 19 of /proc/self/task/<id>/stat). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((id) => {
    const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('sandbox worker priority', () => {
  const sandboxes = [createSandbox({ poolSize: 2 }), createSandbox({ poolSize: 1 })];
  afterAll(() => Promise.all(sandboxes.map((sandbox) => sandbox.close())));

  it('is lowered for the last worker of a pool of two, and only for it', async () => {
    const [pool, single] = sandboxes;
    // Under `nice` the process starts lower already; a thread never ends up higher than it started.
    const base = getPriority();
    const lowered = Math.max(base, confinedWorkerNiceness);
    // A script that ran out of time runs on the last worker from then on.
    const loop = 'while (true) {}';
    expect(await pool?.run(scriptRun(loop, { limits: { deadlineMs: 50 } }))).toMatchObject({
      outcome: 'timeout',
    });
    await single?.run(scriptRun('null'));
    // Its next run holds the last worker while the threads are read: a run hard-stopped on a starved machine
    // would leave the pool without that worker until a job needs it.
    const holding = pool
      ?.run(scriptRun(loop, { limits: { deadlineMs: 20_000 } }))
      .catch((error: Error) => error);
    // A worker hard-stopped before takes a moment to leave the thread list.
    await vi.waitFor(
      () => {
        const niceness = threadNiceness();
        expect(niceness.filter((nice) => nice !== base)).toEqual(lowered === base ? [] : [lowered]);
        expect(Math.min(...niceness)).toBe(base);
      },
      { timeout: 15_000 },
    );
    await pool?.close();
    await expect(holding).resolves.toBeInstanceOf(Error);
  });

  it('names the calling thread: the main thread is the process', () => {
    expect(currentThreadId()).toBe(process.pid);
  });
});
