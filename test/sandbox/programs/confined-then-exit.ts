// Run by process-exit.test.ts in a child process: confined executions on a pool of two, and no close().
// The process must end on its own once nothing is waiting.
import { createSandbox } from '../../../lib/sandbox/index.ts';
import { scriptRun } from '../fixtures.ts';

const sandbox = createSandbox({ poolSize: 2 });
const looping = scriptRun('while (true) {}', { limits: { deadlineMs: 50 } });
const first = await sandbox.run(looping);
// Both copies are confined now: they wait for the last worker while the first one has nothing to do.
const rest = await Promise.all([sandbox.run(looping), sandbox.run(looping)]);
process.stdout.write(`${[first, ...rest].map((execution) => execution.outcome).join(',')}\n`);
