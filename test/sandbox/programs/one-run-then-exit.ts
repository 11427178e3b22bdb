// Run by process-exit.test.ts in a child process: one execution on a pool of two, and no close(). Both workers
// were starting when it came, so both were waited for; the one that did not get it must let the process go.
import { createSandbox } from '../../../lib/sandbox/index.ts';
import { scriptRun } from '../fixtures.ts';

const sandbox = createSandbox({ poolSize: 2 });
const execution = await sandbox.run(scriptRun('({ body: "done" })'));
process.stdout.write(`${execution.outcome}\n`);
