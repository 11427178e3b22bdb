// The webhook handler called in process (no HTTP): a cached static responder vs a cached script responder,
// one request at a time, against dynalite. Run: npx tsx bench/handler.ts [seconds per case, default 5]
import { pathToFileURL } from 'node:url';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { DefinitionCache } from '../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { createStores } from '../lib/store/index.ts';
import { warmUpSandbox } from '../lib/webhook/warm-up.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { type BenchRow, formatSection, percentile, type RuntimeBenchSection, round } from './stats.ts';

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

export async function benchHandler(secondsPerCase = 5): Promise<RuntimeBenchSection> {
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
    const rows: BenchRow[] = [];
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
      latencies.sort((a, b) => a - b);
      rows.push({
        case: `cached ${path.slice('/bench/'.length)} responder`,
        requests: latencies.length,
        'req/s': Math.round(latencies.length / elapsedS),
        'p50 ms': round(percentile(latencies, 0.5), 3),
        'p99 ms': round(percentile(latencies, 0.99), 3),
      });
    }
    return {
      title: 'Webhook handler in process',
      rows,
      notes: [
        `The API Gateway handler called directly with a v2 event, one request at a time, ${secondsPerCase} s per case after 200 warm-up requests.`,
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatSection(await benchHandler(Number(process.argv[2] ?? 5))));
}
