// Section `memory`: 100 000 mixed executions through one sandbox worker in a process of their own (the other
// sections' garbage would blur the RSS), the RSS read at the start (after a warm-up), in the middle and at the
// end. Mostly the responder-like script, with thrown errors, syntax errors, results that are not valid, memory
// bombs and deadline hits mixed in.
import { pathToFileURL } from 'node:url';
import { createSandbox } from '../lib/sandbox/index.ts';
import type { ScriptRun } from '../lib/sandbox/types.ts';
import { lastJsonLineOf } from './child.ts';
import { machine, type Section } from './report.ts';
import { summarize } from './stats.ts';
import { benchContext, responderScript } from './workload.ts';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Every `every`-th execution runs this instead of the responder-like script. */
const mix: Array<{ every: number; kind: string; run: Partial<ScriptRun> }> = [
  {
    every: 1000,
    kind: 'memory bomb (2 MiB limit)',
    run: {
      script: '(async () => { const kept = []; for (;;) kept.push(new Array(4096).fill(7)); })()',
      limits: { memoryBytes: 2 * 2 ** 20 },
    },
  },
  {
    every: 997,
    kind: 'deadline (5 ms)',
    run: { script: '(async () => { for (;;) {} })()', limits: { deadlineMs: 5 } },
  },
  { every: 101, kind: 'syntax error', run: { script: '(async () => { return {{ })()' } },
  { every: 53, kind: 'thrown error', run: { script: "(async () => { throw new Error('nope'); })()" } },
  { every: 29, kind: 'invalid result', run: { script: '(async () => ({ statusCode: 42 }))()' } },
];

/** Runs before the start is read: the V8 heaps grow to their working size over the first executions. */
const warmUpExecutions = 10_000;

export async function benchMemory(executions = 100_000, maxSeconds = 120): Promise<Section> {
  return lastJsonLineOf<Section>(
    [
      process.execPath,
      '--import',
      'tsx',
      import.meta.filename,
      '--child',
      String(executions),
      String(maxSeconds),
    ],
    'the memory benchmark',
  );
}

async function measure(executions: number, maxSeconds: number): Promise<Section> {
  const sandbox = createSandbox({ poolSize: 1 });
  const base: ScriptRun = {
    script: responderScript,
    context: benchContext(),
    defaults: { statusCode: 200, headers: [], body: new Uint8Array(0) },
  };
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  const samples: Array<{ at: number; rss: number }> = [];
  try {
    for (let i = 0; i < warmUpExecutions; i++) await sandbox.run(base);
    const rss = () => process.memoryUsage.rss();
    samples.push({ at: 0, rss: rss() });
    const deadline = performance.now() + maxSeconds * 1000;
    let done = 0;
    for (; done < executions && performance.now() < deadline; done++) {
      const special = mix.find((entry) => done > 0 && done % entry.every === 0);
      const t0 = performance.now();
      const execution = await sandbox.run(special ? { ...base, ...special.run } : base);
      latencies.push(performance.now() - t0);
      outcomes[execution.outcome] = (outcomes[execution.outcome] ?? 0) + 1;
      if ((done + 1) % 10_000 === 0) samples.push({ at: done + 1, rss: rss() });
    }
    if (samples.at(-1)?.at !== done) samples.push({ at: done, rss: rss() });
    const start = samples[0]?.rss ?? 0;
    const middle = samples[Math.floor(samples.length / 2)]?.rss ?? 0;
    const end = samples.at(-1)?.rss ?? 0;
    const latency = summarize(latencies);
    const growth = end / middle - 1;
    return {
      title: `${executions.toLocaleString('en')} mixed executions in one process: memory`,
      ranAt: new Date().toISOString(),
      machine: machine(),
      rows: [{ name: 'mixed executions through one worker', ...latency, note: `${done} executions` }],
      facts: {
        executions: done,
        [`RSS at start (after ${warmUpExecutions} warm-up runs)`]: mib(start),
        'RSS in the middle': mib(middle),
        'RSS at the end': mib(end),
        'RSS every 10 000': samples.map((s) => mib(s.rss)).join(', '),
        outcomes: Object.entries(outcomes)
          .map(([outcome, n]) => `${outcome} ${n}`)
          .join(', '),
        'sandbox recycles': JSON.stringify(sandbox.stats().recycles),
      },
      notes: [
        `Mix: ${mix.map((m) => `every ${m.every}th a ${m.kind}`).join('; ')}; the rest the responder-like script.${done < executions ? ` Stopped after ${maxSeconds} s.` : ''}`,
      ],
      targets: [
        {
          what: `RSS over ${done} mixed executions`,
          target: 'flat (start, middle, end; second half grows < 10 %)',
          measured: `${mib(start)} -> ${mib(middle)} -> ${mib(end)} (second half ${(growth * 100).toFixed(1)} %)`,
          met: done >= executions && growth <= 0.1,
        },
      ],
    };
  } finally {
    await sandbox.close();
  }
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === '--child'
) {
  const section = await measure(Number(process.argv[3] ?? 100_000), Number(process.argv[4] ?? 120));
  process.stdout.write(`\n${JSON.stringify(section)}\n`);
  process.exit(0);
}
