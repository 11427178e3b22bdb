// The sandbox's costs (issue 2): a responder-like script through `run()` (worker round trip included) next to
// node:vm with a new context per run; time from process start to the first execution; memory over 10 000 runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContext, runInContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { wasmFilePath } from '../lib/sandbox/files.ts';
import {
  bundledWasmFileName,
  bundledWorkerFileName,
  createSandbox,
  type ScriptRun,
} from '../lib/sandbox/index.ts';
import { type BenchSection, ms, percentiles } from './section.ts';

const runs = 3_000;
const warmup = 300;
const rssRuns = 10_000;
const coldStarts = 5;
/** Idle time between requests in the one-at-a-time measurement (a Lambda instance sees one webhook at a time). */
const idleGapMs = 5;

/** A 1 KB JSON webhook in, a JSON answer out. */
const responderScript = `(async () => {
  const order = JSON.parse(new TextDecoder().decode(context.body));
  const total = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: { id: order.id, items: order.items.length, total, customer: order.customer.email, path: context.path },
  };
})();`;

function requestBody(): Uint8Array {
  const items = Array.from({ length: 9 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: `Item number ${i}`,
    price: 9.99 + i,
    quantity: 1 + (i % 3),
  }));
  const order = {
    id: 'ord_0193f2a1',
    createdAt: '2026-11-25T12:00:00Z',
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    items,
  };
  return new TextEncoder().encode(JSON.stringify(order));
}

function run(body: Uint8Array): ScriptRun {
  return {
    script: responderScript,
    context: {
      method: 'POST',
      path: '/orders',
      rawQuery: '',
      query: {},
      headers: { 'content-type': 'application/json' },
      body,
      clientAddress: '203.0.113.7:4000',
    },
    defaults: { statusCode: 200, headers: [], body: new Uint8Array() },
  };
}

async function sandboxLatency(gapMs: number) {
  const sandbox = createSandbox();
  const request = run(requestBody());
  const wall: number[] = [];
  const inside: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      if (gapMs > 0) await sleep(gapMs);
      const started = performance.now();
      const execution = await sandbox.run(request);
      const elapsed = performance.now() - started;
      if (execution.outcome !== 'ok') throw new Error(`benchmark script failed: ${execution.outcome}`);
      if (i >= warmup) {
        wall.push(elapsed);
        inside.push(execution.durationMs);
      }
    }
  } finally {
    await sandbox.close();
  }
  return { wall: percentiles(wall), inside: percentiles(inside) };
}

/** The floor under any worker design: the same request to a worker thread that only sends it back. */
async function echoRoundTrip(gapMs: number) {
  const payload = run(requestBody());
  const worker = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))",
    { eval: true },
  );
  const samples: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      if (gapMs > 0) await sleep(gapMs);
      const started = performance.now();
      await new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(payload);
      });
      if (i >= warmup) samples.push(performance.now() - started);
    }
  } finally {
    await worker.terminate();
  }
  return percentiles(samples);
}

async function vmLatency() {
  const body = requestBody();
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    const sandbox = createContext({ context: { ...run(body).context }, TextDecoder });
    const result = await runInContext(responderScript, sandbox, { timeout: 5_000 });
    JSON.stringify(result.body);
    if (i >= warmup) samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

async function coldStart() {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-cold-'));
  try {
    const common = {
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    } as const;
    await build({
      ...common,
      entryPoints: [join(import.meta.dirname, 'cold-start-entry.ts')],
      outfile: join(dir, 'index.mjs'),
    });
    await build({
      ...common,
      entryPoints: [join(import.meta.dirname, '../lib/sandbox/worker.ts')],
      outfile: join(dir, bundledWorkerFileName),
    });
    copyFileSync(wasmFilePath(), join(dir, bundledWasmFileName));
    const samples: Array<{ entryStartedMs: number; firstExecutionMs: number }> = [];
    const nodeOnly: number[] = [];
    for (let i = 0; i < coldStarts; i++) {
      const child = spawnSync(process.execPath, [join(dir, 'index.mjs')], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      samples.push(JSON.parse(child.stdout.trim()));
      const bare = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(performance.now()))'], {
        encoding: 'utf8',
      });
      nodeOnly.push(Number(bare.stdout));
    }
    return {
      total: percentiles(samples.map((s) => s.firstExecutionMs)),
      sandboxShare: percentiles(samples.map((s) => s.firstExecutionMs - s.entryStartedMs)),
      nodeOnly: percentiles(nodeOnly),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rssOverRuns() {
  const sandbox = createSandbox();
  const request = run(requestBody());
  const points: Array<{ executions: number; rssMiB: number }> = [];
  const sample = (executions: number) =>
    points.push({ executions, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) });
  try {
    for (let i = 0; i < 500; i++) await sandbox.run(request);
    sample(0);
    for (let i = 1; i <= rssRuns; i++) {
      await sandbox.run(request);
      if (i % 2_500 === 0) sample(i);
    }
  } finally {
    await sandbox.close();
  }
  return points;
}

export async function benchSandbox(): Promise<BenchSection> {
  const idle = await sandboxLatency(idleGapMs);
  const busy = await sandboxLatency(0);
  const echoIdle = await echoRoundTrip(idleGapMs);
  const echoBusy = await echoRoundTrip(0);
  const vm = await vmLatency();
  const cold = await coldStart();
  const rss = await rssOverRuns();
  const row = (what: string, runsCount: number, p: { p50: number; p99: number; mean: number }) => ({
    measurement: what,
    runs: runsCount,
    'p50 ms': ms(p.p50),
    'p99 ms': ms(p.p99),
    'mean ms': ms(p.mean),
  });
  return {
    title: 'Sandbox: a responder-like script, QuickJS (bellard, release-sync wasm) in a worker thread',
    rows: [
      row(
        `run(), one request at a time (${idleGapMs} ms idle between: the next context is prepared meanwhile)`,
        runs,
        idle.wall,
      ),
      row('  of which inside the worker (durationMs)', runs, idle.inside),
      row('run(), back to back (no idle time: context made and freed inline)', runs, busy.wall),
      row('  of which inside the worker (durationMs)', runs, busy.inside),
      row(
        `the request to a worker that echoes it, ${idleGapMs} ms idle between (round-trip floor)`,
        runs,
        echoIdle,
      ),
      row('the request to a worker that echoes it, back to back (round-trip floor)', runs, echoBusy),
      row('node:vm, new context per run (reference, not a sandbox)', runs, vm),
      row('process start to first finished execution (bundled as for Lambda)', coldStarts, cold.total),
      row('  of which after the entry module began (the sandbox share)', coldStarts, cold.sandboxShare),
      row('  bare `node -e` start to first line (the floor)', coldStarts, cold.nodeOnly),
    ],
    notes: [
      `Script: parse a ${requestBody().length}-byte JSON request body, sum its items, answer JSON; full hardening on (fresh runtime and context, memory cap, deadline, hard stop).`,
      `${warmup} warm-up runs before the ${runs} measured ones; wall time of \`await sandbox.run()\` on the main thread, worker round trip included.`,
      `RSS of the whole process (main thread and worker) over ${rssRuns} executions: ${rss.map((p) => `${p.executions}: ${p.rssMiB} MiB`).join(', ')}.`,
    ],
  };
}
