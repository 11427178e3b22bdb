// Property (issue 7): any responder the schema accepts is created (201) and reads back unchanged from DynamoDB
// (dynalite), through the management core and the store alike; any body it rejects gets a 400 and leaves the
// namespace as it was. Inputs are near-valid responders with fields swapped for wrong types, out-of-range
// numbers and arbitrary UTF-16 text (lone surrogates included).

import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleManagement } from '../../lib/management/handle-management.ts';
import type { ManagementDeps } from '../../lib/management/types.ts';
import { httpMethods } from '../../lib/responders/methods.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { useDynalite } from '../support/dynalite.ts';

const db = useDynalite();
const key = 'key-property-0123456789';
const silent = new Logger({ logLevel: 'SILENT' });
let deps: ManagementDeps;
let namespaces = 0;

beforeAll(async () => {
  const { apiKeyPrefix, hashApiKey } = await import('../../lib/keys/api-key.ts');
  const { DynamoApiKeyStore } = await import('../../lib/keys/key-store.ts');
  const keys = new DynamoApiKeyStore({
    client: db.stores.client,
    tableName: db.dynamo.tableName,
  });
  deps = {
    responders: db.stores.responders,
    history: db.stores.history,
    keys: {
      // Every property run gets its own namespace, so routes never collide between runs.
      get: async () => ({
        prefix: apiKeyPrefix(key),
        namespace: `prop-${namespaces}`,
        hash: hashApiKey(key).toString('hex'),
        createdAt: 0,
      }),
    },
    sandbox: {
      run: () => Promise.reject(new Error('no dry runs here')),
      checkSyntax: async () => ({ ok: true }),
    },
  };
  void keys;
});

const utf16 = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength,
  });
const validPath = fc
  .array(fc.stringMatching(/^[a-zA-Z0-9._~%-]{1,8}$/), { minLength: 0, maxLength: 4 })
  .map((parts) => `/${parts.join('/')}`);
const anyOf = <T>(valid: fc.Arbitrary<T>, ...invalid: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ arbitrary: valid, weight: 25 }, ...invalid.map((arbitrary) => ({ arbitrary, weight: 1 })));

const headerPair = fc.tuple(
  anyOf(fc.stringMatching(/^[a-zA-Z0-9!#$%&'*+.^_`|~-]{1,20}$/), utf16(5), fc.integer()),
  anyOf(
    fc.string({ maxLength: 30 }).filter((v) => !/[\r\n\0]/.test(v)),
    utf16(10),
    fc.integer(),
  ),
);

const settings = fc.record(
  {
    requestsToTrack: anyOf(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: -5, max: 200 }),
      fc.constant('5'),
    ),
    statusCode: anyOf(
      fc.integer({ min: 100, max: 599 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.constant('200'),
    ),
    headers: anyOf(fc.array(headerPair, { maxLength: 4 }), fc.constant({ a: 'b' })),
    body: anyOf(utf16(200), fc.integer(), fc.constant(null)),
    limits: anyOf(
      fc.record(
        {
          memoryBytes: fc.integer({ min: 1024 * 1024, max: 64 * 1024 * 1024 }),
          deadlineMs: fc.integer({ min: 1, max: 25_000 }),
        },
        { requiredKeys: [] },
      ),
      fc.record({ deadlineMs: fc.integer({ min: -10, max: 100_000 }) }),
    ),
  },
  { requiredKeys: [] },
);

const responderJson = fc.record(
  {
    name: anyOf(utf16(100), fc.constant(''), utf16(120), fc.integer()),
    location: anyOf(
      fc.record({ pathType: fc.constantFrom('=', '^'), path: validPath }),
      fc.record({ pathType: fc.constantFrom('=', '^', '~'), path: utf16(20) }),
      fc.constant(['=', '/x']),
    ),
    method: anyOf(fc.constantFrom(...httpMethods), fc.constantFrom('get', 'FETCH', 1)),
    enabled: anyOf(fc.boolean(), fc.constant('true')),
    settings: anyOf(settings, fc.constant([]), fc.constant('none')),
  },
  { requiredKeys: ['name', 'location', 'method', 'settings'] },
);

const encoder = new TextEncoder();
function managementCall(method: string, path: string, body?: unknown) {
  return handleManagement(
    {
      requestId: 'property',
      method,
      path,
      query: {},
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(body)),
    },
    deps,
    silent,
  );
}

describe('responder validation and storage (property)', () => {
  it('stores every accepted responder so that it reads back unchanged, and writes nothing for a rejected one', async () => {
    await fc.assert(
      fc.asyncProperty(responderJson, async (input) => {
        namespaces++;
        const namespace = `prop-${namespaces}`;
        const expected = responderCreateSchema.safeParse(input);
        const created = await managementCall('POST', '/api/responders', input);
        if (!expected.success) {
          expect(created.statusCode).toBe(400);
          expect(await db.stores.responders.listAll(namespace)).toEqual([]);
          return;
        }
        expect(created.statusCode).toBe(201);
        const answer = JSON.parse(created.body ?? '');
        expect(answer).toMatchObject({ ...expected.data, version: 1 });
        const read = await managementCall('GET', `/api/responders/${answer.id}`);
        expect(JSON.parse(read.body ?? '')).toEqual(answer);
        expect(await db.stores.responders.listAll(namespace)).toEqual([answer]);
      }),
      { numRuns: 60 },
    );
  }, 30_000);
});
