// `npm run test:loaded [-- VITEST_ARGS]`: the whole suite beside a busy loop on every core, as on a build machine
// shared with other work. No test's verdict may depend on the machine's speed; this is where that shows.
// Exits with vitest's status, or 1 when the run passes the overall time limit.
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Past this the run is stopped and fails: a loaded run of the suite takes a few minutes. */
const overallLimitMs = 30 * 60_000;

// Each busy loop also ends once its parent has gone, however this script ended.
const busyLoop =
  'const parent = process.ppid; for (;;) { for (let i = 0; i < 1e7; i++); if (process.ppid !== parent) process.exit(); }';
const busy: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', busyLoop], { stdio: 'ignore' }),
);

// Its own process group, so that a run past the limit is stopped with every fork it started.
const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true,
});
const stopVitest = (signal: NodeJS.Signals) => {
  try {
    if (vitest.pid !== undefined) process.kill(-vitest.pid, signal);
  } catch {
    // Already gone.
  }
};
let timedOut = false;
const limit = setTimeout(() => {
  timedOut = true;
  process.stderr.write(`test:loaded: stopped after ${overallLimitMs / 60_000} minutes\n`);
  stopVitest('SIGKILL');
}, overallLimitMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopVitest(signal));

vitest.on('exit', (code, signal) => {
  clearTimeout(limit);
  for (const child of busy) child.kill('SIGKILL');
  process.stderr.write(`test:loaded: vitest ran beside ${busy.length} busy loops\n`);
  process.exit(timedOut || signal !== null ? 1 : (code ?? 1));
});
