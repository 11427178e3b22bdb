// The webhook path end to end in process: API Gateway event -> handler -> dynalite + QuickJS sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFunctionStores } from '../../lib/app/stores.ts';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { historyBodyMaxBytes, historyTtlSeconds } from '../../lib/limits.ts';
import type { RequestFacts } from '../../lib/metrics/request-metrics.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { type ResponderInputJson, responderCreateSchema } from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import { historyPk, historySlotSk } from '../../lib/store/keys.ts';
import type { WebhookDeps } from '../../lib/webhook/handle-webhook.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';
import { aroundEachCall, sdkTableClient } from '../support/table-clients.ts';

let storeCalls = 0;
const db = useDynalite({
  ...sdkTableClient,
  create: (endpoint) =>
    aroundEachCall(sdkTableClient.create(endpoint), (_operation, _input, call) => {
      storeCalls++;
      return call();
    }),
});
let sandbox: Sandbox;
let facts: RequestFacts[] = [];

beforeAll(() => {
  sandbox = createSandbox({ poolSize: 1 });
});
afterAll(() => sandbox.close());

function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps {
  return {
    definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), ttlMs: 60_000 }),
    history: db.stores.history,
    sandbox,
    publishMetrics: (record) => facts.push(record),
    ...overrides,
  };
}

const responder = (fields: Partial<ResponderInputJson>) =>
  responderCreateSchema.parse({
    name: 'test',
    location: { pathType: '=', path: '/hook' },
    method: 'ANY',
    ...fields,
    settings: { ...fields.settings },
  });

describe('webhook requests', () => {
  it('answers with a static responder status, headers and body', async () => {
    await db.stores.responders.create(
      'static',
      responder({
        settings: { statusCode: 202, headers: [['content-type', 'application/json']], body: '{"a":1}' },
      }),
    );
    const result = await createApiGatewayHandler(deps())(apiGatewayEvent({ rawPath: '/static/hook' }));
    expect(result).toMatchObject({
      statusCode: 202,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
  });

  it('runs a script responder with the request as context', async () => {
    await db.stores.responders.create(
      'script',
      responder({
        method: 'GET',
        settings: {
          statusCode: 200,
          script:
            "(async () => ({ statusCode: 201, headers: { 'x-who': context.query.name }, body: 'hi ' + context.method + ' ' + context.path }))();",
        },
      }),
    );
    const handle = createApiGatewayHandler(deps());
    const result = await handle(
      apiGatewayEvent({ method: 'GET', rawPath: '/script/HOOK/', rawQueryString: 'name=ada' }),
    );
    expect(result).toMatchObject({ statusCode: 201, headers: { 'x-who': 'ada' }, body: 'hi GET /HOOK/' });
  });

  it('passes binary bodies through a script intact, both ways', async () => {
    await db.stores.responders.create(
      'binary',
      responder({
        settings: {
          headers: [['content-type', 'application/octet-stream']],
          script: '(() => ({ body: new Uint8Array(context.body).reverse() }))()',
        },
      }),
    );
    const bytes = Buffer.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47, 0]);
    const result = await createApiGatewayHandler(deps())(
      apiGatewayEvent({
        rawPath: '/binary/hook',
        body: bytes.toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    );
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body ?? '', 'base64')]).toEqual([...bytes].reverse());
  });

  it('answers a script failure with its SPEC answer and counts the outcome', async () => {
    await db.stores.responders.create(
      'failing',
      responder({ settings: { script: '(() => { while (true) {} })()', limits: { deadlineMs: 50 } } }),
    );
    facts = [];
    const result = await createApiGatewayHandler(deps())(apiGatewayEvent({ rawPath: '/failing/hook' }));
    expect(result).toMatchObject({ statusCode: 504, body: 'Script exceeded time limit (50 ms).' });
    expect(facts[0]?.script?.outcome).toBe('timeout');
  });

  it.each([
    ['an unknown namespace', '/nobody-here/hook'],
    ['an unknown path', '/static/other'],
    ['an invalid namespace', '/x/hook'],
    ['the reserved namespace api', '/api/hook'],
    ['no namespace at all', '/'],
  ])('answers 404 for %s', async (_what, rawPath) => {
    facts = [];
    const result = await createApiGatewayHandler(deps())(apiGatewayEvent({ rawPath }));
    expect(result).toMatchObject({ statusCode: 404, body: 'Not found.' });
    expect(facts[0]?.notFound).toBe(true);
  });

  it('answers 404 for a disabled responder', async () => {
    await db.stores.responders.create(
      'disabled',
      responder({ enabled: false, settings: { body: 'hidden' } }),
    );
    const result = await createApiGatewayHandler(deps())(apiGatewayEvent({ rawPath: '/disabled/hook' }));
    expect(result.statusCode).toBe(404);
  });
});

describe('definition cache', () => {
  it('reads a namespace once and then answers from memory, found or not', async () => {
    await db.stores.responders.create('cached', responder({ settings: { body: 'cached' } }));
    const handle = createApiGatewayHandler(deps());
    facts = [];
    storeCalls = 0;
    const first = await handle(apiGatewayEvent({ rawPath: '/cached/hook' }));
    const second = await handle(apiGatewayEvent({ rawPath: '/cached/hook' }));
    const missing = await handle(apiGatewayEvent({ rawPath: '/cached/missing' }));
    expect([first.statusCode, second.statusCode, missing.statusCode]).toEqual([200, 200, 404]);
    expect(storeCalls).toBe(1);
    expect(facts.map((f) => f.cacheHit)).toEqual([false, true, true]);
  });

  it('remembers an unknown namespace, so a flood of requests reaches DynamoDB once', async () => {
    const handle = createApiGatewayHandler(deps());
    storeCalls = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => handle(apiGatewayEvent({ rawPath: `/ghost-town/p${i}` }))),
    );
    await handle(apiGatewayEvent({ rawPath: '/ghost-town/again' }));
    expect(results.every((r) => r.statusCode === 404)).toBe(true);
    expect(storeCalls).toBe(1);
  });
});

describe('request history', () => {
  it('keeps the newest N requests, newest first, each with a 7-day TTL', async () => {
    const created = await db.stores.responders.create(
      'history',
      responder({ settings: { requestsToTrack: 3, body: 'tracked' } }),
    );
    const handle = createApiGatewayHandler(deps());
    for (let i = 1; i <= 5; i++) {
      await handle(
        apiGatewayEvent({ rawPath: '/history/hook', rawQueryString: `n=${i}`, requestId: `req-${i}` }),
      );
    }
    const kept = await db.stores.history.list(created.id, 3);
    expect(kept.map((r) => r.rawQuery)).toEqual(['n=5', 'n=4', 'n=3']);
    expect(kept[0]).toMatchObject({
      id: 'req-5',
      statusCode: 200,
      outcome: null,
      method: 'POST',
      path: '/hook',
    });
    const { Item } = await db.stores.client.get({
      TableName: db.dynamo.tableName,
      Key: { pk: historyPk(created.id), sk: historySlotSk(0) },
    });
    const nowSeconds = Date.now() / 1000;
    expect(Item?.expiresAt).toBeGreaterThan(nowSeconds + historyTtlSeconds - 60);
    expect(Item?.expiresAt).toBeLessThanOrEqual(nowSeconds + historyTtlSeconds + 1);
  });

  it('caps a tracked body at 64 KiB and flags it, with the script outcome and console', async () => {
    const created = await db.stores.responders.create(
      'history-big',
      responder({
        settings: { requestsToTrack: 1, script: "(() => { console.log('seen', context.body.length); })()" },
      }),
    );
    const body = Buffer.alloc(historyBodyMaxBytes + 10, 0x61);
    await createApiGatewayHandler(deps())(
      apiGatewayEvent({ rawPath: '/history-big/hook', body: body.toString() }),
    );
    const [tracked] = await db.stores.history.list(created.id, 1);
    expect(tracked?.bodyTruncated).toBe(true);
    expect(Buffer.from(tracked?.body ?? '', 'base64').byteLength).toBe(historyBodyMaxBytes);
    expect(tracked?.outcome).toBe('ok');
    expect(tracked?.console).toEqual([{ level: 'log', message: `seen ${historyBodyMaxBytes + 10}` }]);
  });

  it('still answers when the history write fails, and counts the failure', async () => {
    await db.stores.responders.create(
      'history-down',
      responder({ settings: { requestsToTrack: 5, body: 'ok' } }),
    );
    const unreachable = openFunctionStores({
      dynamodbEndpoint: 'http://127.0.0.1:9',
      tableName: db.dynamo.tableName,
    });
    facts = [];
    const result = await createApiGatewayHandler(deps({ history: unreachable.history }))(
      apiGatewayEvent({ rawPath: '/history-down/hook' }),
    );
    unreachable.client.destroy();
    expect(result).toMatchObject({ statusCode: 200, body: 'ok' });
    expect(facts[0]?.historyWriteFailed).toBe(true);
  });
});

describe('platform faults', () => {
  it('answers a host fault in the sandbox with 500 and no detail', async () => {
    await db.stores.responders.create('host-fault', responder({ settings: { script: '1' } }));
    const broken = { run: async () => Promise.reject(new Error('boom in /var/task/lib/sandbox/pool.js')) };
    const result = await createApiGatewayHandler(deps({ sandbox: broken }))(
      apiGatewayEvent({ rawPath: '/host-fault/hook' }),
    );
    expect(result).toMatchObject({ statusCode: 500, body: 'Internal error.' });
  });

  it('answers 503 with a short text when DynamoDB is unreachable, and counts it', async () => {
    const unreachable = openFunctionStores({ dynamodbEndpoint: 'http://127.0.0.1:9', tableName: 'none' });
    facts = [];
    const result = await createApiGatewayHandler(
      deps({ definitions: new DefinitionCache({ load: (ns) => unreachable.responders.listAll(ns) }) }),
    )(apiGatewayEvent({ rawPath: '/static/hook' }));
    unreachable.client.destroy();
    expect(result).toMatchObject({ statusCode: 503, body: 'Service unavailable, please retry.' });
    expect(facts[0]?.storeUnavailable).toBe(true);
  });
});
