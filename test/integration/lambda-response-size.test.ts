// Lambda's 6 MB response payload (issue 11 §3): the worst answers a responder can produce, built for real
// (sandbox, webhook core, API Gateway adapter), each measured as Lambda measures it — the JSON of the result —
// and each either served under the limit or answered as `invalid`, never a result Lambda would refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import {
  headerValueMaxChars,
  lambdaResponseMaxBytes,
  responderHeadersMax,
  scriptResultBodyMaxBytes,
  scriptResultHeadersMax,
  scriptResultHeadersMaxBytes,
  staticBodyMaxBytes,
} from '../../lib/limits.ts';
import type { RequestFacts } from '../../lib/metrics/request-metrics.ts';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import {
  type Responder,
  type ResponderInputJson,
  responderCreateSchema,
} from '../../lib/responders/schema.ts';
import { createSandbox, type Sandbox } from '../../lib/sandbox/index.ts';
import type { HistoryStore } from '../../lib/store/types.ts';
import { apiGatewayEvent } from '../support/events.ts';

const mib = scriptResultBodyMaxBytes;
/** Script headers at both caps: the most headers, the most bytes, every value all quotes (escaped twice as long). */
const cappedHeadersScript = `Object.fromEntries(Array.from({ length: ${scriptResultHeadersMax} }, (_, i) => {
  const name = 'x-h' + String(i).padStart(3, '0');
  return [name, '"'.repeat(${Math.floor(scriptResultHeadersMaxBytes / scriptResultHeadersMax)} - name.length)];
}))`;
/** The responder's own headers at their caps, all quotes: about 845 KB once JSON-escaped. */
const cappedResponderHeaders = Array.from({ length: responderHeadersMax }, (_, i): [string, string] => [
  `x-r${i}`,
  '"'.repeat(headerValueMaxChars),
]);

const responders: Record<string, Partial<ResponderInputJson>> = {
  quotes: {
    settings: { script: `({ headers: { 'content-type': 'text/plain' }, body: '"'.repeat(${mib}) })` },
  },
  zeros: { settings: { script: `({ body: new Uint8Array(${mib}) })` } },
  'controls-json': {
    settings: {
      script: `({ headers: { 'content-type': 'application/json' }, body: '\\u0001'.repeat(${mib}) })`,
    },
  },
  'capped-headers': {
    settings: { script: `({ headers: ${cappedHeadersScript}, body: '"'.repeat(${mib}) })` },
  },
  'too-many-headers': {
    settings: {
      script: `({ headers: Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ['x-' + i, 'v'])) })`,
    },
  },
  'body-beside-responder-headers': {
    settings: { headers: cappedResponderHeaders, script: `({ body: new Uint8Array(${mib}) })` },
  },
  'static-worst': {
    settings: { headers: cappedResponderHeaders, body: '\u0001'.repeat(staticBodyMaxBytes) },
  },
};

const table: Responder[] = Object.entries(responders).map(([path, fields], i) => ({
  ...responderCreateSchema.parse({
    name: path,
    location: { pathType: '=', path: `/${path}` },
    method: 'GET',
    ...fields,
    settings: { ...fields.settings, limits: { memoryBytes: 64 * 1024 * 1024 } },
  }),
  id: `id-${i}`,
  version: 1,
  createdAt: 0,
  updatedAt: 0,
}));

let sandbox: Sandbox;
const facts: RequestFacts[] = [];
beforeAll(() => {
  sandbox = createSandbox({ poolSize: 1 });
});
afterAll(() => sandbox.close());

async function get(path: string) {
  const handler = createApiGatewayHandler({
    definitions: new DefinitionCache({ load: async () => table, ttlMs: 60_000 }),
    history: {} as HistoryStore,
    sandbox,
    publishMetrics: (record) => facts.push(record),
  });
  const result = await handler(apiGatewayEvent({ method: 'GET', rawPath: `/sizes${path}` }));
  const encodedBytes = Buffer.byteLength(JSON.stringify(result));
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { result, encodedBytes, body, outcome: facts.at(-1)?.script?.outcome };
}

describe("answers at the body cap fit Lambda's response payload", () => {
  it.each([
    ['/quotes', '"'.charCodeAt(0)],
    ['/zeros', 0],
    ['/controls-json', 1],
  ])(
    'serves %s (4 MiB that JSON would escape) in base64, under the limit, byte for byte',
    async (path, byte) => {
      const { result, encodedBytes, body, outcome } = await get(path);
      expect(outcome).toBe('ok');
      expect(result.statusCode).toBe(200);
      expect(result.isBase64Encoded).toBe(true);
      expect(encodedBytes).toBeLessThanOrEqual(lambdaResponseMaxBytes);
      expect(body.byteLength).toBe(mib);
      expect(body.every((b) => b === byte)).toBe(true);
    },
  );

  it('serves a 4 MiB body next to script headers at both caps under the limit', async () => {
    const { result, encodedBytes, outcome } = await get('/capped-headers');
    expect(outcome).toBe('ok');
    expect(Object.keys(result.headers ?? {}).filter((name) => name.startsWith('x-h'))).toHaveLength(
      scriptResultHeadersMax,
    );
    expect(encodedBytes).toBeLessThanOrEqual(lambdaResponseMaxBytes);
  });

  it('serves the largest static responder (1 MiB of control characters, headers at their caps) under the limit', async () => {
    const { result, encodedBytes } = await get('/static-worst');
    expect(result.statusCode).toBe(200);
    expect(encodedBytes).toBeLessThanOrEqual(lambdaResponseMaxBytes);
  });
});

describe('answers that cannot fit are invalid results', () => {
  it('refuses a script answer with 20 000 headers', async () => {
    const { result, encodedBytes, body, outcome } = await get('/too-many-headers');
    expect(outcome).toBe('invalid');
    expect(result.statusCode).toBe(500);
    expect(body.toString()).toBe(
      `Script returned an invalid result: 20000 headers, more than ${scriptResultHeadersMax}`,
    );
    expect(encodedBytes).toBeLessThan(1024);
  });

  it("refuses a 4 MiB body next to the responder's own headers at their caps, which Lambda could not send", async () => {
    const { result, body, outcome } = await get('/body-beside-responder-headers');
    expect(outcome).toBe('invalid');
    expect(result.statusCode).toBe(500);
    expect(body.toString()).toMatch(
      new RegExp(
        `^Script returned an invalid result: the answer takes \\d+ bytes once encoded for Lambda, more than its response limit of ${lambdaResponseMaxBytes}$`,
      ),
    );
  });
});
