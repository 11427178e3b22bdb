// The EMF record a webhook request writes to stdout (docs/contract.md §6), parsed as CloudWatch would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import type { ScriptRunner } from '../../lib/webhook/handle-webhook.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox({ poolSize: 1 });
});
afterAll(() => sandbox.close());

interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

async function emfRecordsOf(action: () => Promise<unknown>): Promise<EmfRecord[]> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = chunk.toString();
    if (text.includes('"CloudWatchMetrics"')) {
      lines.push(text);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    await action();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .flatMap((text) => text.split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as EmfRecord);
}

const handlerWith = (runner: ScriptRunner) =>
  createApiGatewayHandler({
    definitions: new DefinitionCache({ load: (ns) => db.stores.responders.listAll(ns) }),
    history: db.stores.history,
    sandbox: runner,
  });

describe('metrics record', () => {
  it('writes one EMF record per script request with the SPEC §6 names, ids as properties', async () => {
    const created = await db.stores.responders.create(
      'metrics',
      responderCreateSchema.parse({
        name: 'm',
        location: { pathType: '=', path: '/m' },
        method: 'ANY',
        settings: { script: "(() => ({ body: 'ok' }))()" },
      }),
    );
    const records = await emfRecordsOf(() =>
      handlerWith(sandbox)(apiGatewayEvent({ rawPath: '/metrics/m', requestId: 'req-emf-1' })),
    );
    expect(records).toHaveLength(1);
    const [record] = records;
    const [directive] = record?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('WebhookResponders');
    expect(directive?.Dimensions).toEqual([['Service']]);
    expect(Object.fromEntries(directive?.Metrics.map((m) => [m.Name, m.Unit]) ?? [])).toEqual({
      RequestLatency: 'Milliseconds',
      ProcessMemoryRss: 'Bytes',
      DefinitionCacheMiss: 'Count',
      ScriptExecutionTime: 'Milliseconds',
      ScriptMemoryUsed: 'Bytes',
      ScriptOutcome_ok: 'Count',
    });
    expect(record).toMatchObject({
      Service: 'webhook-responders',
      namespace: 'metrics',
      responderId: created.id,
      requestId: 'req-emf-1',
      ScriptOutcome_ok: 1,
      DefinitionCacheMiss: 1,
    });
    expect(record?.ProcessMemoryRss).toBeGreaterThan(0);
    expect(record?.ScriptMemoryUsed).toBeGreaterThan(0);
  });

  it('counts a responder not found', async () => {
    const [record] = await emfRecordsOf(() =>
      handlerWith(sandbox)(apiGatewayEvent({ rawPath: '/nothing-here/x' })),
    );
    expect(record).toMatchObject({ ResponderNotFound: 1, namespace: 'nothing-here' });
    expect(record?.responderId).toBeUndefined();
  });

  it('counts a sandbox recycle with its reason as a property', async () => {
    await db.stores.responders.create(
      'recycle',
      responderCreateSchema.parse({
        name: 'r',
        location: { pathType: '=', path: '/r' },
        method: 'ANY',
        settings: { script: 'whatever' },
      }),
    );
    const recycling: ScriptRunner = {
      run: async () => ({
        outcome: 'timeout',
        statusCode: 504,
        headers: [],
        body: new Uint8Array(0),
        console: [],
        durationMs: 5100,
        memoryBytes: 0,
        recycled: 'hard-stop',
        seed: new Uint8Array(32),
        startedAtMs: 0,
      }),
    };
    const [record] = await emfRecordsOf(() =>
      handlerWith(recycling)(apiGatewayEvent({ rawPath: '/recycle/r' })),
    );
    expect(record).toMatchObject({
      SandboxRecycled: 1,
      recycleReason: 'hard-stop',
      ScriptOutcome_timeout: 1,
    });
    expect(record?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Service']]);
  });

  it("counts a script's upstream calls, their errors and each call's latency, and tracks them with the request", async () => {
    const created = await db.stores.responders.create(
      'forwarder',
      responderCreateSchema.parse({
        name: 'f',
        location: { pathType: '=', path: '/f' },
        method: 'ANY',
        settings: { script: 'whatever', requestsToTrack: 5 },
      }),
    );
    const upstream = [
      { url: 'https://upstream.example/hook', method: 'POST', statusCode: 200, durationMs: 40 },
      {
        url: 'http://10.0.0.1/',
        method: 'GET',
        durationMs: 1,
        error: 'URL not allowed (non-public address)',
      },
    ];
    const forwarding: ScriptRunner = {
      run: async () => ({
        outcome: 'ok',
        statusCode: 200,
        headers: [],
        body: new Uint8Array(0),
        console: [],
        durationMs: 45,
        memoryBytes: 1000,
        seed: new Uint8Array(32),
        startedAtMs: 0,
        upstream,
      }),
    };
    const [record] = await emfRecordsOf(() =>
      handlerWith(forwarding)(apiGatewayEvent({ rawPath: '/forwarder/f', requestId: 'req-upstream' })),
    );
    expect(record).toMatchObject({ UpstreamRequests: 2, UpstreamErrors: 1, UpstreamLatency: [40, 1] });
    const units = Object.fromEntries(
      record?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => [m.Name, m.Unit]) ?? [],
    );
    expect(units).toMatchObject({
      UpstreamRequests: 'Count',
      UpstreamErrors: 'Count',
      UpstreamLatency: 'Milliseconds',
    });
    const tracked = await db.stores.history.get(created.id, 'req-upstream');
    expect(tracked?.upstream).toEqual(upstream);
  });
});
