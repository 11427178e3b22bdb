// Section `handler`: the webhook handler called in process (no HTTP), one request at a time, against dynalite,
// with cached definitions: a static responder vs the responder-like script. The metrics record is built but
// not written (stdout would be the bottleneck, not the handler). It runs in a child process pinned to one CPU
// (taskset) where available, so "req/s" is what one core gives: the sandbox worker shares that core.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { openFunctionStores } from '../lib/app/stores.ts';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { DefinitionCache } from '../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { warmUpSandbox } from '../lib/webhook/warm-up.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { lastJsonLineOf } from './child.ts';
import { machine, type Section } from './report.ts';
import { type BenchRow, formatMs, summarize, timeLoop } from './stats.ts';
import { requestBodyText, requestHeaders, responderScript } from './workload.ts';

/** A responder whose script never ends, with a short deadline: the adversarial request of the HTTP mix. */
export const timeoutDeadlineMs = 20;

export const benchResponders = [
  {
    name: 'static',
    location: { pathType: '=', path: '/static' },
    method: 'ANY',
    settings: { headers: [['content-type', 'application/json']], body: '{"hello":"world"}' },
  },
  {
    name: 'script',
    location: { pathType: '=', path: '/script' },
    method: 'ANY',
    settings: { headers: [['content-type', 'application/json']], script: responderScript },
  },
  {
    name: 'timeout',
    location: { pathType: '=', path: '/timeout' },
    method: 'ANY',
    settings: {
      script: '(async () => { for (;;) {} })()',
      limits: { deadlineMs: timeoutDeadlineMs },
    },
  },
].map((input) => responderCreateSchema.parse(input));

async function measure(seconds: number): Promise<BenchRow[]> {
  const dynamo = await startLocalDynamo();
  const stores = openFunctionStores({ dynamodbEndpoint: dynamo.endpoint, tableName: dynamo.tableName });
  const sandbox = createSandbox({ poolSize: 1 });
  try {
    for (const responder of benchResponders) await stores.responders.create('bench', responder);
    await warmUpSandbox(sandbox, 1);
    const handle = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => stores.responders.listAll(ns), ttlMs: 3_600_000 }),
      history: stores.history,
      sandbox,
    });
    const rows: BenchRow[] = [];
    for (const name of ['static', 'script']) {
      const event = apiGatewayEvent({
        method: 'POST',
        rawPath: `/bench/${name}`,
        rawQueryString: 'name=bench',
        headers: requestHeaders,
        body: requestBodyText,
      });
      const once = async () => {
        const result = await handle(event);
        if (result.statusCode !== 200) throw new Error(`${name} answered ${result.statusCode}`);
      };
      // The EMF record is built by Powertools as in Lambda, but not written: a pipe would be the bottleneck.
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      const measured = await timeLoop(once, { seconds, warmUp: 300 }).finally(() => {
        process.stdout.write = write;
      });
      const { latenciesMs, elapsedS } = measured;
      rows.push({
        name: `handler in process, cached ${name} responder`,
        ...summarize(latenciesMs),
        perSecond: latenciesMs.length / elapsedS,
      });
    }
    return rows;
  } finally {
    await sandbox.close();
    stores.client.destroy();
    await dynamo.close();
  }
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function measureInChild(seconds: number, pinned: boolean): Promise<BenchRow[]> {
  const node = [process.execPath, '--import', 'tsx', import.meta.filename, '--child', String(seconds)];
  return lastJsonLineOf<BenchRow[]>(pinned ? ['taskset', '-c', '0', ...node] : node, 'the handler benchmark');
}

export async function benchHandler(seconds = 4): Promise<Section> {
  const pinned = hasTaskset();
  const rows = await measureInChild(seconds, pinned);
  for (const row of rows) row.note = pinned ? 'one CPU (taskset -c 0)' : 'unpinned (no taskset)';
  const script = rows.find((row) => row.name.includes('script'));
  const staticRow = rows.find((row) => row.name.includes('static'));
  return {
    title: 'Webhook handler in process (cached definitions)',
    ranAt: new Date().toISOString(),
    machine: machine(),
    rows,
    notes: [
      'API Gateway v2 event in, result out, through the same adapter and core as Lambda; POST with the ~1 KB JSON body; history off; the EMF record built by Powertools as in Lambda, its stdout write dropped.',
      ...(pinned ? [] : ['taskset is missing: the main thread and the sandbox worker may use two cores.']),
    ],
    targets: script
      ? [
          {
            what: 'handler in process, script responder, one core',
            target: '>= 3000 req/s',
            measured: `${Math.round(script.perSecond ?? 0)} req/s (p50 ${formatMs(script.p50Ms)} ms, p99 ${formatMs(script.p99Ms)} ms; static ${Math.round(staticRow?.perSecond ?? 0)} req/s)`,
            met: (script.perSecond ?? 0) >= 3000,
          },
        ]
      : [],
  };
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === '--child'
) {
  const rows = await measure(Number(process.argv[3] ?? 4));
  process.stdout.write(`\n${JSON.stringify(rows)}\n`);
  process.exit(0);
}
