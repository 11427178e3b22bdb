// `npm run bench -- webhook-handler`: the webhook handler called in process (no HTTP), a cached static
// responder vs a cached script responder, one request at a time, against dynalite.
import { availableParallelism, loadavg } from 'node:os';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { DefinitionCache } from '../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { createStores } from '../lib/store/index.ts';
import { warmUpSandbox } from '../lib/webhook/warm-up.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { type BenchSection, ms, percentiles } from './section.ts';

export const benchResponders = [
  {
    name: 'static',
    location: { pathType: '=', path: '/static' },
    method: 'GET',
    settings: { headers: [['content-type', 'application/json']], body: '{"hello":"world"}' },
  },
  {
    name: 'script',
    location: { pathType: '=', path: '/script' },
    method: 'GET',
    settings: {
      headers: [['content-type', 'application/json']],
      script: "(async () => ({ body: { hello: context.query.name ?? 'anonymous' } }))();",
    },
  },
].map((input) => responderCreateSchema.parse(input));

const secondsPerCase = 5;

export async function benchHandler(): Promise<BenchSection> {
  const loadAtStart = loadavg()[0] ?? 0;
  const dynamo = await startLocalDynamo();
  const stores = createStores({ endpoint: dynamo.endpoint, tableName: dynamo.tableName });
  const sandbox = createSandbox({ poolSize: 1 });
  try {
    for (const responder of benchResponders) await stores.responders.create('bench', responder);
    await warmUpSandbox(sandbox, 1);
    const handle = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => stores.responders.listAll(ns), ttlMs: 3_600_000 }),
      history: stores.history,
      sandbox,
    });
    const rows: BenchSection['rows'] = [];
    for (const path of ['/bench/static', '/bench/script']) {
      const event = apiGatewayEvent({ method: 'GET', rawPath: path, rawQueryString: 'name=bench' });
      const latencies: number[] = [];
      let elapsedS = 0;
      // The EMF records are built as in Lambda, but not written: a terminal would be the bottleneck.
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        for (let i = 0; i < 200; i++) await handle(event); // warm: JIT, cache
        const started = performance.now();
        const deadline = started + secondsPerCase * 1000;
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const result = await handle(event);
          latencies.push(performance.now() - t0);
          if (result.statusCode !== 200) throw new Error(`${path} answered ${result.statusCode}`);
        }
        elapsedS = (performance.now() - started) / 1000;
      } finally {
        process.stdout.write = write;
      }
      const { p50, p99 } = percentiles(latencies);
      rows.push({
        case: `cached ${path.slice('/bench/'.length)} responder`,
        requests: latencies.length,
        'req/s': Math.round(latencies.length / elapsedS),
        'p50 ms': ms(p50),
        'p99 ms': ms(p99),
      });
    }
    return {
      title: 'Webhook handler in process',
      rows,
      notes: [
        `The API Gateway handler called directly with a v2 event, one request at a time, ${secondsPerCase} s per case after 200 warm-up requests. Load average (1 min) at the start: ${loadAtStart.toFixed(1)} on ${availableParallelism()} cores.`,
        'Definitions cached (no DynamoDB call per request); each EMF record is built by Powertools but its stdout write is dropped; one sandbox worker.',
        "Script: `(async () => ({ body: { hello: context.query.name ?? 'anonymous' } }))();` (a fresh QuickJS runtime per request).",
      ],
    };
  } finally {
    await sandbox.close();
    stores.clients.client.destroy();
    await dynamo.close();
  }
}
