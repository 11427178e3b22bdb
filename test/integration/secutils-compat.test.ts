// Secutils-style scripts through the webhook core against dynalite: the context echo's bytes as the core builds
// the context, a health check that stays out of the history, and trackResponse (docs/contract.md §3, §4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { type ResponderInputJson, responderCreateSchema } from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import { handleWebhook, type WebhookDeps } from '../../lib/webhook/handle-webhook.ts';
import type { WebhookRequest } from '../../lib/webhook/types.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = createSandbox({ poolSize: 1 });
});
afterAll(() => sandbox.close());

function deps(): WebhookDeps {
  return {
    definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), ttlMs: 60_000 }),
    history: db.stores.history,
    sandbox,
    publishMetrics: () => {},
  };
}

const responder = (path: string, settings: ResponderInputJson['settings']) =>
  responderCreateSchema.parse({ name: path, location: { pathType: '=', path }, method: 'ANY', settings });

const request = (namespace: string, fields: Partial<WebhookRequest>): WebhookRequest => ({
  requestId: 'req-echo',
  receivedAtMs: Date.now(),
  namespace,
  method: 'POST',
  path: '/echo',
  rawQuery: '',
  query: {},
  headers: { 'content-type': 'text/plain' },
  body: new TextEncoder().encode('hi'),
  clientAddress: null,
  ...fields,
});

describe('a context echo through the webhook core', () => {
  beforeAll(async () => {
    await db.stores.responders.create(
      'compat-echo',
      responder('/echo', { script: '(async () => ({ body: JSON.stringify(context) }))();' }),
    );
  });

  it("gives Secutils' bytes without a query or a caller address", async () => {
    const response = await handleWebhook(request('compat-echo', {}), deps());
    expect(new TextDecoder().decode(response.body)).toBe(
      '{"method":"POST","headers":{"content-type":"text/plain"},"path":"/echo","query":{},"body":[104,105]}',
    );
  });

  it("gives Secutils' bytes with a query and a caller address", async () => {
    const response = await handleWebhook(
      request('compat-echo', { rawQuery: 'a=1&a=2', query: { a: '2' }, clientAddress: '198.51.100.4:4711' }),
      deps(),
    );
    expect(new TextDecoder().decode(response.body)).toBe(
      '{"clientAddress":"198.51.100.4:4711","method":"POST","headers":{"content-type":"text/plain"},"path":"/echo","rawQuery":"a=1&a=2","query":{"a":"2"},"body":[104,105]}',
    );
  });

  it('lists the same keys for a request from API Gateway, the address without a port', async () => {
    const result = await createApiGatewayHandler(deps())(
      apiGatewayEvent({ rawPath: '/compat-echo/echo', sourceIp: '203.0.113.9', body: 'hi' }),
    );
    const echoed = JSON.parse(result.body ?? '');
    expect(Object.keys(echoed)).toEqual(['clientAddress', 'method', 'headers', 'path', 'query', 'body']);
    expect([echoed.clientAddress, echoed.body]).toEqual(['203.0.113.9', [104, 105]]);
  });
});

describe('the history and the script answer', () => {
  it('keeps a health check answering skipRequest: true out of the history', async () => {
    const created = await db.stores.responders.create(
      'compat-health',
      responder('/health', {
        requestsToTrack: 5,
        script:
          "(async () => context.path === '/health' && context.method === 'GET' ? { statusCode: 200, body: 'OK', skipRequest: true } : { statusCode: 405 })();",
      }),
    );
    const handle = createApiGatewayHandler(deps());
    const health = await handle(apiGatewayEvent({ method: 'GET', rawPath: '/compat-health/health' }));
    expect([health.statusCode, health.body]).toEqual([200, 'OK']);
    expect(await db.stores.history.list(created.id, 5)).toEqual([]);
    await handle(
      apiGatewayEvent({ method: 'POST', rawPath: '/compat-health/health', requestId: 'req-post' }),
    );
    const kept = await db.stores.history.list(created.id, 5);
    expect(kept.map((r) => [r.id, r.statusCode])).toEqual([['req-post', 405]]);
  });

  it('tracks a request whose answer says trackResponse: false, with its status and no more of the answer', async () => {
    const created = await db.stores.responders.create(
      'compat-untracked',
      responder('/hook', {
        requestsToTrack: 5,
        script:
          "(async () => ({ statusCode: 201, headers: { 'x-secret-answer': 'a' }, body: 'answer', trackResponse: false }))();",
      }),
    );
    const result = await createApiGatewayHandler(deps())(
      apiGatewayEvent({ rawPath: '/compat-untracked/hook', body: 'question', requestId: 'req-q' }),
    );
    expect([result.statusCode, result.body]).toEqual([201, 'answer']);
    const [tracked] = await db.stores.history.list(created.id, 5);
    expect(tracked).toMatchObject({ id: 'req-q', statusCode: 201, outcome: 'ok' });
    expect(Buffer.from(tracked?.body ?? '', 'base64').toString()).toBe('question');
    expect(JSON.stringify(tracked)).not.toMatch(/answer/);
  });
});
