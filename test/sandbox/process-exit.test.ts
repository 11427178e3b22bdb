// A pool that is not closed still lets its process exit once no work is waiting (workers are unreferenced):
// after one execution that both starting workers were waited for, and after confined executions made one
// worker wait for the other.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Only a hang reaches it: six copies at once beside a full suite took 30 s each at load 12 (2 cores). */
const spawnTimeoutMs = 240_000;

function runProgram(name: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', `test/sandbox/programs/${name}`], {
    encoding: 'utf8',
    timeout: spawnTimeoutMs,
  });
}

describe('a process with an unclosed sandbox pool', { timeout: 2 * spawnTimeoutMs }, () => {
  it('exits on its own after one execution', () => {
    const result = runProgram('one-run-then-exit.ts');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('ok');
  });

  it('exits on its own after confined executions', () => {
    const result = runProgram('confined-then-exit.ts');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('timeout,timeout,timeout');
  });
});
