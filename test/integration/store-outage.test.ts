// A failing DynamoDB (issue 7): dynalite is stopped mid-run and started again on the same port with its data.
// Public requests that need the store answer 503 in time (the client's short timeouts and bounded retries), a
// cached responder keeps answering, nothing is half-written, and service resumes when the store is back.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiIntegrationTimeoutMs } from '../../cdk/function-sizing.ts';
import { type AppStores, openFunctionStores } from '../../lib/app/stores.ts';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { createManagementApiGatewayHandler } from '../../lib/http/management-handler.ts';
import { apiKeyPrefix, hashApiKey } from '../../lib/keys/api-key.ts';
import { storeMaxAttempts } from '../../lib/limits.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { type ResponderInputJson, responderCreateSchema } from '../../lib/responders/schema.ts';
import { createDynamoClients } from '../../lib/store/dynamodb/client.ts';
import { createTable } from '../../lib/store/index.ts';
import { apiGatewayEvent } from '../support/events.ts';

const tableName = 'outage';
const key = 'key-outage-0123456789';
/**
 * The promise to a webhook caller (lib/limits.ts): a 503 from the store's bounded budget, not API Gateway's own
 * timeout. About 7 s at worst, so this bound holds on a slow machine too.
 */
const beforeGatewayGivesUpMs = apiIntegrationTimeoutMs;
/** Room for the tests to reach that bound. */
const timeout = 2 * apiIntegrationTimeoutMs;

// On disk: dynalite closes its store with the server and opens it again on the next listen.
const dataDir = mkdtempSync(join(tmpdir(), 'store-outage-'));
let server: Server;
let port: number;
let stores: AppStores;
const silent = new Logger({ logLevel: 'SILENT' });
const noSandbox = {
  run: () => Promise.reject(new Error('no scripts here')),
  checkSyntax: async () => ({ ok: true as const }),
};

const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
const stop = () =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const responder = (path: string, settings: ResponderInputJson['settings'] = {}) =>
  responderCreateSchema.parse({
    name: path,
    location: { pathType: '=', path },
    method: 'ANY',
    settings: { headers: [['content-type', 'text/plain']], body: `at ${path}`, ...settings },
  });

beforeAll(async () => {
  server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  port = 0;
  await listen();
  port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const { client } = createDynamoClients({ endpoint });
  await createTable(client, tableName).finally(() => client.destroy());
  // The functions' stores, as the Lambda functions open them.
  stores = openFunctionStores({ tableName, dynamodbEndpoint: endpoint });
  await stores.keys.put({
    prefix: apiKeyPrefix(key),
    namespace: 'outage',
    hash: hashApiKey(key).toString('hex'),
    createdAt: 0,
  });
});
afterAll(async () => {
  stores.client.destroy();
  if (server.listening) await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB goes away and comes back', { timeout }, () => {
  it('answers 503 in time without the store, keeps serving what it has cached, writes nothing, then resumes', async () => {
    const { responders, history } = stores;
    const tracked = await responders.create('outage', responder('/tracked', { requestsToTrack: 3 }));
    const moved = await responders.create('outage', responder('/stays'));
    const uncached = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => responders.listAll(ns), ttlMs: 0 }),
      history,
      sandbox: noSandbox,
      publishMetrics: () => {},
      logger: silent,
    });
    const cached = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => responders.listAll(ns), ttlMs: 600_000 }),
      history,
      sandbox: noSandbox,
      publishMetrics: () => {},
      logger: silent,
    });
    const management = createManagementApiGatewayHandler(
      {
        responders,
        history,
        keys: stores.keys,
        sandbox: noSandbox,
      },
      silent,
    );
    const publicGet = (handle: typeof cached, path: string) =>
      handle(apiGatewayEvent({ method: 'GET', rawPath: `/outage${path}` }));
    const create = (path: string) =>
      management(
        apiGatewayEvent({
          method: 'POST',
          rawPath: '/api/responders',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: path,
            location: { pathType: '=', path },
            method: 'GET',
            settings: { body: 'new' },
          }),
        }),
      );
    expect(await publicGet(cached, '/tracked')).toMatchObject({ statusCode: 200, body: 'at /tracked' });
    expect(await history.list(tracked.id, 3)).toHaveLength(1);

    await stop();
    const started = performance.now();
    const down = await publicGet(uncached, '/tracked');
    expect(performance.now() - started).toBeLessThan(beforeGatewayGivesUpMs);
    expect(down).toMatchObject({ statusCode: 503, body: 'Service unavailable, please retry.' });
    // The cached definition still answers; only its history entry is lost (logged and counted).
    expect(await publicGet(cached, '/tracked')).toMatchObject({ statusCode: 200, body: 'at /tracked' });
    const refused = await create('/during-outage');
    expect(refused.statusCode).toBe(503);
    expect(JSON.parse(refused.body ?? '').error.code).toBe('unavailable');
    await expect(
      responders.update('outage', moved.id, { ...responder('/moved'), version: moved.version }),
    ).rejects.toThrow();

    await listen();
    expect(await publicGet(uncached, '/tracked')).toMatchObject({ statusCode: 200, body: 'at /tracked' });
    // Nothing half-written: no responder from the outage, the failed move left the responder where it was.
    const all = await responders.listAll('outage');
    expect(all.map((r) => r.location.path).sort()).toEqual(['/stays', '/tracked']);
    expect(await responders.get('outage', moved.id)).toEqual(moved);
    expect(await publicGet(uncached, '/moved')).toMatchObject({ statusCode: 404 });
    expect((await history.list(tracked.id, 3)).length).toBe(2);
    expect((await create('/after-outage')).statusCode).toBe(201);
  });
});

describe('DynamoDB accepts connections and never answers', { timeout }, () => {
  it('answers 503 after the bounded attempts, before API Gateway gives up', async () => {
    const sockets = new Set<import('node:net').Socket>();
    // An attempt that times out closes its connection: each attempt comes on a new one.
    const hung = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
    const hungStores = openFunctionStores({
      dynamodbEndpoint: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
      tableName,
    });
    const handle = createApiGatewayHandler({
      definitions: new DefinitionCache({ load: (ns) => hungStores.responders.listAll(ns), ttlMs: 0 }),
      history: hungStores.history,
      sandbox: noSandbox,
      publishMetrics: () => {},
      logger: silent,
    });
    const started = performance.now();
    const answer = await handle(apiGatewayEvent({ method: 'GET', rawPath: '/outage/tracked' }));
    const elapsedMs = performance.now() - started;
    hungStores.client.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
    expect(answer).toMatchObject({ statusCode: 503, body: 'Service unavailable, please retry.' });
    expect(sockets.size).toBe(storeMaxAttempts);
    expect(elapsedMs).toBeLessThan(beforeGatewayGivesUpMs);
  });
});
