// What deferring V8's tier-up of the QuickJS module (lib/sandbox/wasm-tiering.ts) costs a CPU-bound script:
// its runs in a fresh sandbox, as compiled by the product, and the same in a child process whose node was given
// V8's own tiering budget (which the product then leaves alone). Run as a program, it prints the latter's times.

import { fileURLToPath } from 'node:url';
import { createSandbox } from '../lib/sandbox/index.ts';
import { v8DefaultTieringBudget } from '../lib/sandbox/wasm-tiering.ts';
import { lastJsonLineOf } from './child.ts';
import { type BenchRow, summarize } from './stats.ts';
import { benchContext } from './workload.ts';

const cpuBoundScript = `(async () => {
  let length = 0;
  for (let i = 0; i < 300000; i++) length += JSON.stringify({ id: i, tags: [i, String(i)] }).length;
  return { body: { length } };
})();`;
const runs = 6;

/** In-worker times of `runs` runs of the CPU-bound script, the first one first. */
async function cpuBoundRunsMs(): Promise<number[]> {
  const sandbox = createSandbox({ poolSize: 1 });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const execution = await sandbox.run({
        script: cpuBoundScript,
        context: benchContext(),
        defaults: { statusCode: 200, headers: [], body: new Uint8Array(0) },
        limits: { deadlineMs: 25_000 },
      });
      if (execution.outcome !== 'ok') throw new Error(`CPU-bound script: ${execution.outcome}`);
      times.push(execution.durationMs);
    }
    return times;
  } finally {
    await sandbox.close();
  }
}

function withV8sOwnBudgetMs(): Promise<number[]> {
  const budget = v8DefaultTieringBudget();
  if (budget === undefined)
    return Promise.reject(new Error(`no known tiering budget for V8 ${process.versions.v8}`));
  return lastJsonLineOf<number[]>(
    [process.execPath, '--import', 'tsx', `--wasm-tiering-budget=${budget}`, fileURLToPath(import.meta.url)],
    "the CPU-bound benchmark with V8's own budget",
  );
}

export async function benchCpuBound(): Promise<BenchRow[]> {
  const rowsOf = (label: string, times: number[]): BenchRow[] => [
    {
      name: `CPU-bound script (300 000 JSON.stringify calls), ${label}: first run in a fresh sandbox`,
      ...summarize(times.slice(0, 1)),
    },
    { name: `CPU-bound script, ${label}: runs 2-${runs}`, ...summarize(times.slice(1)) },
  ];
  return [
    ...rowsOf('tier-up deferred (as deployed)', await cpuBoundRunsMs()),
    ...rowsOf("V8's own tiering budget", await withV8sOwnBudgetMs()),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await cpuBoundRunsMs()));
}
