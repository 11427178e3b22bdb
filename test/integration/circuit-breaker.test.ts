// The circuit breaker (docs/contract.md §10) through the webhook core: API Gateway event -> handler -> dynalite + QuickJS
// sandbox, with the breaker's (and the definition cache's) clock in the test's hands.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { breakerFaultsToOpen, breakerOpenMs, definitionCacheTtlMsDefault } from '../../lib/limits.ts';
import { metrics } from '../../lib/metrics/powertools.ts';
import { publishRequestMetrics, type RequestFacts } from '../../lib/metrics/request-metrics.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { type ResponderInputJson, responderCreateSchema } from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import { CircuitBreaker } from '../../lib/webhook/circuit-breaker.ts';
import { publicAnswerPolicy } from '../../lib/webhook/response-encoding.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox({ poolSize: 1 });
});
afterAll(() => sandbox.close());

/** Throws when the request asks it to (`?fail`), answers 200 otherwise: faults on demand, no deadline waited for. */
const failOnDemand =
  "(() => { if (context.query.fail) throw new Error('boom'); return { body: 'fine' }; })()";

function responderInput(path: string, settings: ResponderInputJson['settings']) {
  return responderCreateSchema.parse({
    name: path,
    location: { pathType: '=', path },
    method: 'ANY',
    settings,
  });
}

/** One process: a handler with its own breaker and definition cache on one fake clock, and its metrics facts. */
function processUnderTest() {
  const clock = { ms: 1_700_000_000_000 };
  const now = () => clock.ms;
  const facts: RequestFacts[] = [];
  const handler = createApiGatewayHandler({
    definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns), now }),
    history: db.stores.history,
    sandbox,
    breaker: new CircuitBreaker({ now }),
    publishMetrics: (record) => facts.push(record),
  });
  let n = 0;
  const request = (rawPath: string, rawQueryString = '') =>
    handler(apiGatewayEvent({ rawPath, rawQueryString, requestId: `req-${++n}` }));
  return { clock, facts, request };
}

async function create(namespace: string, path: string, settings: ResponderInputJson['settings']) {
  return db.stores.responders.create(namespace, responderInput(path, settings));
}

async function failTimes(
  request: (rawPath: string, rawQueryString?: string) => Promise<{ statusCode?: number }>,
  rawPath: string,
  times: number,
) {
  const statuses: Array<number | undefined> = [];
  for (let i = 0; i < times; i++) statuses.push((await request(rawPath, 'fail=1')).statusCode);
  return statuses;
}

describe('circuit breaker through the webhook core', () => {
  it('runs the script for 4 faults, opens at the 5th: 503 with Retry-After, tracked and counted as breaker', async () => {
    const created = await create('cb-open', '/hook', { script: failOnDemand, requestsToTrack: 10 });
    const { clock, facts, request } = processUnderTest();

    expect(await failTimes(request, '/cb-open/hook', 4)).toEqual([500, 500, 500, 500]);
    expect((await request('/cb-open/hook')).statusCode).toBe(200);
    expect(await failTimes(request, '/cb-open/hook', breakerFaultsToOpen)).toEqual([500, 500, 500, 500, 500]);
    clock.ms += 12_300;
    facts.length = 0;
    const refused = await request('/cb-open/hook');

    expect(refused).toMatchObject({
      statusCode: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '18' },
      body: 'Script disabled after repeated failures, retry later.',
    });
    expect(facts).toEqual([expect.objectContaining({ responderId: created.id, breakerOpen: true })]);
    expect(facts[0]?.script).toBeUndefined();
    const [latest, before] = await db.stores.history.list(created.id, 10);
    expect(latest).toMatchObject({ statusCode: 503, outcome: 'breaker', durationMs: 0, console: [] });
    expect(before).toMatchObject({ statusCode: 500, outcome: 'error' });
  });

  it("answers with the responder's fallback while open", async () => {
    await create('cb-fallback', '/hook', {
      script: failOnDemand,
      fallback: { statusCode: 202, headers: [['content-type', 'application/json']], body: '{"queued":true}' },
    });
    const { request } = processUnderTest();
    await failTimes(request, '/cb-fallback/hook', breakerFaultsToOpen);

    const answer = await request('/cb-fallback/hook');

    expect(answer).toMatchObject({ statusCode: 202, body: '{"queued":true}' });
    expect(answer.headers).toEqual({
      'content-type': 'application/json',
      'content-security-policy': publicAnswerPolicy,
    });
  });

  it('closes when the trial after the cool-down succeeds', async () => {
    await create('cb-recover', '/hook', { script: failOnDemand });
    const { clock, request } = processUnderTest();
    await failTimes(request, '/cb-recover/hook', breakerFaultsToOpen);
    clock.ms += breakerOpenMs;

    const trial = await request('/cb-recover/hook');

    expect(trial).toMatchObject({ statusCode: 200, body: 'fine' });
    expect(await failTimes(request, '/cb-recover/hook', 4)).toEqual([500, 500, 500, 500]);
  });

  it('reopens for twice as long when the trial fails', async () => {
    await create('cb-reopen', '/hook', { script: failOnDemand });
    const { clock, request } = processUnderTest();
    await failTimes(request, '/cb-reopen/hook', breakerFaultsToOpen);
    clock.ms += breakerOpenMs;

    const trial = await request('/cb-reopen/hook', 'fail=1');
    const refused = await request('/cb-reopen/hook');

    expect(trial.statusCode).toBe(500);
    expect(refused).toMatchObject({ statusCode: 503, headers: { 'retry-after': '60' } });
  });

  it('runs one trial only when requests arrive together after the cool-down', async () => {
    await create('cb-trial', '/hook', { script: failOnDemand });
    const { clock, request } = processUnderTest();
    await failTimes(request, '/cb-trial/hook', breakerFaultsToOpen);
    clock.ms += breakerOpenMs;

    const answers = await Promise.all([1, 2, 3, 4].map(() => request('/cb-trial/hook')));

    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 503, 503, 503]);
    for (const answer of answers.filter((a) => a.statusCode === 503)) {
      expect(answer.headers?.['retry-after']).toBe('1');
    }
  });

  it('closes when the responder is saved, once the process sees the new version', async () => {
    const created = await create('cb-saved', '/hook', { script: failOnDemand });
    const { clock, request } = processUnderTest();
    await failTimes(request, '/cb-saved/hook', breakerFaultsToOpen);
    const { name, location, method, enabled, settings, version } = created;
    await db.stores.responders.update('cb-saved', created.id, {
      name,
      location,
      method,
      enabled,
      settings,
      version,
    });

    const stale = await request('/cb-saved/hook');
    clock.ms += definitionCacheTtlMsDefault;
    const saved = await request('/cb-saved/hook');

    expect(stale.statusCode).toBe(503);
    expect(saved).toMatchObject({ statusCode: 200, body: 'fine' });
  });

  it("keeps one responder's breaker away from the others: benign and failing neighbours still run", async () => {
    await create('cb-apart', '/broken', { script: failOnDemand });
    await create('cb-apart', '/flaky', { script: failOnDemand });
    await create('cb-apart', '/benign', { script: "(() => ({ body: 'benign' }))()" });
    const { request } = processUnderTest();
    await failTimes(request, '/cb-apart/broken', breakerFaultsToOpen);
    await failTimes(request, '/cb-apart/flaky', breakerFaultsToOpen - 1);

    const broken = await request('/cb-apart/broken');
    const flaky = await request('/cb-apart/flaky', 'fail=1');
    const benign = await request('/cb-apart/benign');

    expect(broken.statusCode).toBe(503);
    expect(flaky).toMatchObject({ statusCode: 500, body: 'Script error: boom' });
    expect(benign).toMatchObject({ statusCode: 200, body: 'benign' });
  });

  it('leaves a responder without a script alone, whatever its status', async () => {
    await create('cb-static', '/hook', { statusCode: 500, body: 'static failure' });
    const { request } = processUnderTest();
    const statuses: Array<number | undefined> = [];

    for (let i = 0; i < breakerFaultsToOpen + 2; i++)
      statuses.push((await request('/cb-static/hook')).statusCode);

    expect(statuses).toEqual(Array(breakerFaultsToOpen + 2).fill(500));
  });

  it('is per process: another environment still runs the script', async () => {
    await create('cb-process', '/hook', { script: failOnDemand });
    const first = processUnderTest();
    const second = processUnderTest();
    await failTimes(first.request, '/cb-process/hook', breakerFaultsToOpen);

    expect((await first.request('/cb-process/hook')).statusCode).toBe(503);
    expect((await second.request('/cb-process/hook')).statusCode).toBe(200);
  });

  it('counts an answer given while open as ScriptOutcome_breaker, and no script time', async () => {
    await create('cb-metric', '/hook', { script: failOnDemand });
    const { facts, request } = processUnderTest();
    await failTimes(request, '/cb-metric/hook', breakerFaultsToOpen);
    facts.length = 0;
    await request('/cb-metric/hook');
    const added = vi.spyOn(metrics, 'addMetric');

    try {
      for (const record of facts) publishRequestMetrics(record);
      const names = added.mock.calls.map(([name]) => name);
      expect(names).toContain('ScriptOutcome_breaker');
      expect(names).not.toContain('ScriptExecutionTime');
    } finally {
      added.mockRestore();
    }
  });
});
