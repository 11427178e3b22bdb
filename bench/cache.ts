// Section `cache`: DynamoDB calls per 1000 webhook requests, counted at the DynamoDB client, with the default
// definition cache (DEFINITION_CACHE_TTL_MS default), starting cold each case.

import { storesOver } from '../lib/app/stores.ts';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { definitionCacheTtlMsDefault } from '../lib/limits.ts';
import { startLocalDynamo } from '../lib/local/dynalite.ts';
import { DefinitionCache } from '../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../lib/responders/schema.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { HttpTableClient } from '../lib/store/dynamodb/http-table-client.ts';
import { apiGatewayEvent } from '../test/support/events.ts';
import { aroundEachCall } from '../test/support/table-clients.ts';
import { benchResponders } from './handler.ts';
import { machine, type Section } from './report.ts';
import { type BenchRow, summarize } from './stats.ts';

const requests = 1000;

export async function benchCache(): Promise<Section> {
  const dynamo = await startLocalDynamo();
  const calls = new Map<string, number>();
  const client = aroundEachCall(
    new HttpTableClient({ endpoint: dynamo.endpoint }),
    (operation, _input, call) => {
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      return call();
    },
  );
  const stores = storesOver(dynamo.tableName, client);
  const sandbox = createSandbox({ poolSize: 1 });
  try {
    for (const responder of benchResponders) await stores.responders.create('bench', responder);
    const tracked = responderCreateSchema.parse({
      name: 'tracked',
      location: { pathType: '=', path: '/tracked' },
      method: 'ANY',
      settings: { requestsToTrack: 10, body: 'ok' },
    });
    await stores.responders.create('bench', tracked);
    const cases: Array<[string, (i: number) => string]> = [
      ['hot path: a known static responder', () => '/bench/static'],
      ['hot path: the responder-like script', () => '/bench/script'],
      ['unknown paths in a known namespace (all different)', (i) => `/bench/missing-${i}`],
      ['one unknown namespace', () => '/nobody/hook'],
      ['unknown namespaces (all different)', (i) => `/nobody-${i}/hook`],
      ['a responder with requestsToTrack 10', () => '/bench/tracked'],
    ];
    const rows: BenchRow[] = [];
    const facts: Record<string, string | number> = {};
    for (const [name, pathOf] of cases) {
      const handle = createApiGatewayHandler({
        definitions: new DefinitionCache({ load: (ns) => stores.responders.listAll(ns) }),
        history: stores.history,
        sandbox,
        publishMetrics: () => {},
      });
      calls.clear();
      const latencies: number[] = [];
      const started = performance.now();
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        await handle(apiGatewayEvent({ method: 'GET', rawPath: pathOf(i), rawQueryString: 'name=bench' }));
        latencies.push(performance.now() - t0);
      }
      const elapsedS = (performance.now() - started) / 1000;
      const total = [...calls.values()].reduce((a, b) => a + b, 0);
      const byCommand = [...calls.entries()].map(([command, n]) => `${command} ${n}`).join(', ');
      rows.push({
        name,
        ...summarize(latencies),
        perSecond: requests / elapsedS,
        note: `${total} DynamoDB calls${byCommand ? ` (${byCommand})` : ''}`,
      });
      facts[`DynamoDB calls per ${requests} requests, ${name}`] = total;
    }
    return {
      title: 'Definition cache: DynamoDB calls per 1000 requests',
      ranAt: new Date().toISOString(),
      machine: machine(),
      rows,
      facts,
      notes: [
        `In process against dynalite, ${requests} requests per case one after the other, a cold cache at the start of each case, TTL ${definitionCacheTtlMsDefault} ms (the default; every case ran within it). Calls are counted at the DynamoDB client.`,
        'A namespace costs one Query per TTL, found or not (misses are cached too); a tracked responder adds its two history writes per request (counter update, slot put), by design.',
      ],
    };
  } finally {
    await sandbox.close();
    stores.client.destroy();
    await dynamo.close();
  }
}
