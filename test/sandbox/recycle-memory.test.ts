// SECURITY.md: after out-of-memory the module is rebuilt (WebAssembly memory never shrinks), and the rebuild is
// reported with the reason `memory` (the SandboxRecycled metric's `recycleReason`).
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentCaps, minimumScriptLimits } from '../../lib/limits.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.close());

// The longest deadline a responder may have: however loaded the machine, the memory runs out first.
const limits = { memoryBytes: minimumScriptLimits.memoryBytes, deadlineMs: deploymentCaps.deadlineMs };

describe('a script that runs out of memory', () => {
  it('gets its module rebuilt, reported with the reason memory, and the next script runs in a fresh one', async () => {
    const before = await sandbox.run(scriptRun('({ body: "warm" })', { limits }));
    expect(before.recycled).toBeUndefined();

    const bomb = await sandbox.run(
      scriptRun('(() => { const kept = []; for (;;) kept.push(new Uint8Array(1 << 16)); })()', { limits }),
    );
    expect(bomb).toMatchObject({ outcome: 'memory', statusCode: 500, recycled: 'memory' });
    expect(sandbox.stats().recycles).toEqual({ memory: 1 });

    const after = await sandbox.run(scriptRun('({ body: "fine" })', { limits }));
    expect(after.outcome).toBe('ok');
    expect(text(after.body)).toBe('fine');
    expect(after.recycled).toBeUndefined();
  });
});
