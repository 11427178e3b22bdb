// Section `coldstart`: the webhook Lambda bundle built as CDK builds it (cdk/bundle.ts), then fresh `node`
// processes that import it (its INIT: stores, sandbox worker, warm-up) and answer one API Gateway v2 event for
// the responder-like script, its definition read from dynalite. Also the bundle's size.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSandboxFunction } from '../cdk/bundle.ts';
import { defaultBundleEntries, projectRoot } from '../cdk/stack.ts';
import { openFunctionStores } from '../lib/app/stores.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { benchResponders } from './handler.ts';
import { machine, type Section } from './report.ts';
import { type BenchRow, formatMs, summarize } from './stats.ts';
import { requestBodyText, requestHeaders } from './workload.ts';

const marker = 'COLDSTART ';

// Times are from the process's own start (performance.timeOrigin), so node's bootstrap is included.
const probeSource = (handlerFile: string, event: unknown) => `
const importStartMs = performance.now();
const { handler } = await import(${JSON.stringify(handlerFile)});
const importedMs = performance.now();
const result = await handler(${JSON.stringify(event)});
const answeredMs = performance.now();
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write('\\n${marker}' + JSON.stringify({ importStartMs, importedMs, answeredMs, cpuMs, statusCode: result.statusCode }) + '\\n');
process.exit(0);
`;

interface ProbeTimes {
  importStartMs: number;
  importedMs: number;
  answeredMs: number;
  /** CPU time of the whole process (main thread, sandbox worker, V8's helper threads) up to the answer. */
  cpuMs: number;
  statusCode: number;
  wallMs: number;
}

function runProbe(probeFile: string, env: NodeJS.ProcessEnv): Promise<ProbeTimes> {
  const started = performance.now();
  const child = spawn(process.execPath, [probeFile], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(marker));
      if (code !== 0 || !line) return reject(new Error(`cold start probe exited ${code}: ${output}`));
      resolve({
        ...(JSON.parse(line.slice(marker.length)) as ProbeTimes),
        wallMs: performance.now() - started,
      });
    });
  });
}

function sizeOf(dir: string): { total: number; files: Record<string, number> } {
  const files: Record<string, number> = {};
  for (const name of readdirSync(dir)) files[name] = statSync(join(dir, name)).size;
  const total = Object.entries(files)
    .filter(([name]) => !name.endsWith('.map'))
    .reduce((sum, [, size]) => sum + size, 0);
  return { total, files };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

export async function benchColdStart(runs = 10): Promise<Section> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  const dynamo = await startLocalDynamo();
  const stores = openFunctionStores({ dynamodbEndpoint: dynamo.endpoint, tableName: dynamo.tableName });
  try {
    const buildStarted = performance.now();
    const bundle = bundleSandboxFunction({
      projectRoot,
      entry: defaultBundleEntries.webhook,
      sandboxWorkerEntry: defaultBundleEntries.sandboxWorker,
      outDir,
    });
    const buildMs = performance.now() - buildStarted;
    for (const responder of benchResponders) await stores.responders.create('bench', responder);
    const event = apiGatewayEvent({
      method: 'POST',
      rawPath: '/bench/script',
      rawQueryString: 'name=bench',
      headers: requestHeaders,
      body: requestBodyText,
    });
    const probeFile = join(outDir, 'probe.mjs');
    writeFileSync(probeFile, probeSource(bundle.handler, event));
    const env = {
      PATH: process.env.PATH,
      TABLE_NAME: dynamo.tableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench-webhook',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const rows: BenchRow[] = [];
    const answered: number[] = [];
    const cases = [
      ['as deployed', ''],
      // Node reading every bundle's source map at import: what readable stack traces cost before
      // lib/metrics/bundle-stack-traces.ts read the map only when a stack trace is formatted.
      ['with --enable-source-maps', '--enable-source-maps'],
    ] as const;
    // Two probes first, not counted: dynalite (in this process) answers its first queries slowly.
    for (let i = 0; i < 2; i++) await runProbe(probeFile, { ...env, NODE_OPTIONS: '' });
    // The cases take turns, so that a change in the machine's load falls on both.
    const timesOf = cases.map((): ProbeTimes[] => []);
    for (let i = 0; i < runs; i++) {
      for (const [index, [, nodeOptions]] of cases.entries()) {
        const probe = await runProbe(probeFile, { ...env, NODE_OPTIONS: nodeOptions });
        if (probe.statusCode !== 200) throw new Error(`the first event answered ${probe.statusCode}`);
        timesOf[index]?.push(probe);
      }
    }
    for (const [index, [label, nodeOptions]] of cases.entries()) {
      const times = timesOf[index] ?? [];
      const at = (pick: (t: ProbeTimes) => number) => summarize(times.map(pick));
      const note = `NODE_OPTIONS=${JSON.stringify(nodeOptions)}`;
      rows.push(
        {
          name: `${label}: process start to first answered event`,
          ...at((t) => t.answeredMs),
          note,
        },
        {
          name: `${label}: import of the bundle (INIT: stores, worker, warm-up)`,
          ...at((t) => t.importedMs - t.importStartMs),
          note,
        },
        {
          name: `${label}: first event (definition from DynamoDB, script run)`,
          ...at((t) => t.answeredMs - t.importedMs),
          note,
        },
        { name: `${label}: spawn to answer, seen by the parent`, ...at((t) => t.wallMs), note },
        // Lambda at 1024 MB gives about 0.58 of a vCPU to all threads together: there the CPU time, not the
        // overlap two idle cores allow here, bounds the cold start.
        { name: `${label}: process CPU time (all threads) to the answer`, ...at((t) => t.cpuMs), note },
      );
      if (label === 'as deployed') answered.push(...times.map((t) => t.answeredMs));
    }
    const size = sizeOf(bundle.dir);
    delete size.files['probe.mjs'];
    const total = Object.entries(size.files)
      .filter(([name]) => !name.endsWith('.map'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    const coldP50 = summarize(answered).p50Ms;
    return {
      title: 'Cold start of the built Lambda bundle',
      ranAt: new Date().toISOString(),
      machine: machine(),
      rows,
      facts: {
        'bundle (index.mjs + sandbox-worker.mjs + wasm, without source maps)': mib(total),
        ...Object.fromEntries(Object.entries(size.files).map(([name, bytes]) => [name, mib(bytes)])),
        'bundling time (both esbuild runs)': `${Math.round(buildMs)} ms`,
      },
      notes: [
        `${runs} fresh processes per case, each importing the bundle and answering one POST to the responder-like script against dynalite; times from the process's own start (performance.timeOrigin).`,
        'Lambda adds its own sandbox and runtime start before this and runs on a slower share of a CPU at 1024 MB.',
      ],
      targets: [
        {
          what: 'cold start to the first answered event (p50, as deployed)',
          target: '<= 150 ms',
          measured: `${formatMs(coldP50)} ms`,
          met: coldP50 <= 150,
        },
        {
          what: 'bundle size incl. wasm (no maps)',
          target: '<= 2 MiB',
          measured: mib(total),
          met: total <= 2 * 2 ** 20,
        },
      ],
    };
  } finally {
    stores.client.destroy();
    await dynamo.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
