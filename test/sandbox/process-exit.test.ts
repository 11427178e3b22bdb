// A pool that is not closed still lets its process exit once no work is waiting (workers are unreferenced),
// also after confined executions made one worker wait for the other.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Only a hang reaches it: six copies at once beside a full suite took 30 s each at load 12 (2 cores). */
const spawnTimeoutMs = 240_000;

describe('a process with an unclosed sandbox pool', { timeout: 2 * spawnTimeoutMs }, () => {
  it('exits on its own after confined executions', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/sandbox/programs/confined-then-exit.ts'],
      { encoding: 'utf8', timeout: spawnTimeoutMs },
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('timeout,timeout,timeout');
  });
});
