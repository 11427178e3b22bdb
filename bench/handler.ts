// The webhook handler called in process (no HTTP): a cached static responder vs a cached script responder,
// one request at a time, against dynalite. The metrics record is built but not printed (stdout would be the
// bottleneck, not the handler). Run: npx tsx bench/handler.ts [seconds per case, default 5]
import { pathToFileURL } from 'node:url';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { DefinitionCache } from '../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { createStores } from '../lib/store/index.ts';
import { warmUpSandbox } from '../lib/webhook/warm-up.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { type BenchRow, formatRows, percentile } from './stats.ts';

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

export async function benchHandler(secondsPerCase = 5): Promise<BenchRow[]> {
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
      publishMetrics: () => {},
    });
    const rows: BenchRow[] = [];
    for (const path of ['/bench/static', '/bench/script']) {
      const event = apiGatewayEvent({ method: 'GET', rawPath: path, rawQueryString: 'name=bench' });
      for (let i = 0; i < 200; i++) await handle(event); // warm: JIT, cache
      const latencies: number[] = [];
      const started = performance.now();
      const deadline = started + secondsPerCase * 1000;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const result = await handle(event);
        latencies.push(performance.now() - t0);
        if (result.statusCode !== 200) throw new Error(`${path} answered ${result.statusCode}`);
      }
      const elapsedS = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      rows.push({
        name: `handler in process, cached ${path.slice('/bench/'.length)} responder`,
        requests: latencies.length,
        requestsPerSecond: latencies.length / elapsedS,
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
      });
    }
    return rows;
  } finally {
    await sandbox.close();
    stores.clients.client.destroy();
    await dynamo.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchHandler(Number(process.argv[2] ?? 5));
  console.log(formatRows(rows));
}
