// Saved tests (docs/contract.md §9): every create and update runs them against the new definition and refuses a failing
// one with 422 tests_failed, writing nothing; tests/run runs them on demand.
import { describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-t-0123456789';
const server = useManagementServer({ API_KEYS: `team-t:${key}` });

const script =
  "({ statusCode: context.method === 'POST' ? 201 : 200, headers: { 'X-Id': crypto.randomUUID() }, body: { hello: context.query.name ?? 'anon', at: Date.now() } })";

const passing = [
  {
    name: 'greets by name',
    request: { method: 'POST', rawQuery: 'name=ada' },
    nowMs: 1000,
    expect: { statusCode: 201, json: { hello: 'ada', at: 1000 }, outcome: 'ok' },
  },
];

/** The UUID a zero seed gives: tests run deterministically, so a header can be pinned exactly. */
async function zeroSeedUuid(path: string): Promise<string> {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(path, {}, { script: '({ body: crypto.randomUUID() })' }),
  });
  const id = created.json.id;
  const run = await call(server, 'POST', `/api/responders/${id}/tests/run`, {
    key,
    json: {
      ...draft(path, {}, { script: '({ body: crypto.randomUUID() })' }),
      tests: [{ name: 'u', expect: { statusCode: 200 } }],
    },
  });
  return Buffer.from(run.json.items[0].answer.bodyBase64, 'base64').toString();
}

const list = async () =>
  (await call(server, 'GET', '/api/responders', { key })).json.items as Array<{ id: string }>;

describe('saved tests', () => {
  it('let a create through when they pass, store them, and run them on demand', async () => {
    const uuid = await zeroSeedUuid('/uuid');
    const tests = [
      passing[0],
      { name: 'anonymous', expect: { bodyContains: '"anon"', headers: [['x-id', uuid]] } },
    ];
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: { ...draft('/greet', {}, { script }), tests },
    });
    expect(created.status).toBe(201);
    expect(created.json.tests).toMatchObject(tests);
    const read = await call(server, 'GET', `/api/responders/${created.json.id}`, { key });
    expect(read.json.tests).toEqual(created.json.tests);
    const run = await call(server, 'POST', `/api/responders/${created.json.id}/tests/run`, { key });
    expect(run.status).toBe(200);
    expect(run.json.summary).toEqual({ total: 2, passed: 2, failed: 0 });
    expect(run.json.items[0]).toMatchObject({
      name: 'greets by name',
      passed: true,
      failures: [],
      answer: { statusCode: 201, outcome: 'ok' },
    });
  });

  it('refuse a create with 422 naming each failed test and expectation, and write nothing', async () => {
    const before = await list();
    const refused = await call(server, 'POST', '/api/responders', {
      key,
      json: {
        ...draft('/refused', {}, { script }),
        tests: [
          passing[0],
          {
            name: 'wrong',
            request: { rawQuery: 'name=bob' },
            expect: { statusCode: 404, body: 'no', headers: [['x-missing', '1']] },
          },
        ],
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('tests_failed');
    expect(refused.json.error.message).toContain('"wrong"');
    expect(refused.json.error.details).toEqual([
      {
        name: 'wrong',
        failures: [
          { field: 'statusCode', expected: 404, actual: 200 },
          { field: 'headers.x-missing', expected: '1', actual: null },
          { field: 'body', expected: 'no', actual: '{"hello":"bob","at":0}' },
        ],
      },
    ]);
    expect(await list()).toEqual(before);
  });

  it('refuse an update that breaks a test, leaving the stored version unchanged', async () => {
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: { ...draft('/update', {}, { script }), tests: [passing[0]] },
    });
    expect(created.status).toBe(201);
    const broken = script.replace("hello: context.query.name ?? 'anon'", "hello: 'nobody'");
    const refused = await call(server, 'PUT', `/api/responders/${created.json.id}`, {
      key,
      json: { ...created.json, settings: { ...created.json.settings, script: broken } },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details[0]).toMatchObject({
      name: 'greets by name',
      failures: [{ field: 'json' }],
    });
    const after = await call(server, 'GET', `/api/responders/${created.json.id}`, { key });
    expect(after.json).toEqual(created.json);
    const fixed = await call(server, 'PUT', `/api/responders/${created.json.id}`, {
      key,
      json: { ...created.json, name: 'renamed' },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.json.version).toBe(2);
    // A draft with another script runs the stored tests' draft copy, writing nothing.
    const draftRun = await call(server, 'POST', `/api/responders/${created.json.id}/tests/run`, {
      key,
      json: { ...draft('/update', {}, { script: broken }), tests: [passing[0]] },
    });
    expect(draftRun.json.summary).toEqual({ total: 1, passed: 0, failed: 1 });
    expect((await call(server, 'GET', `/api/responders/${created.json.id}`, { key })).json.version).toBe(2);
  });

  it.each([
    [
      [
        { name: 'a', expect: { statusCode: 200 } },
        { name: 'a', expect: { statusCode: 200 } },
      ],
      'tests[1].name: "a" is used twice',
    ],
    [[{ name: 'a', expect: {} }], 'tests[0].expect: must hold at least one expectation'],
    [
      Array.from({ length: 21 }, (_, i) => ({ name: `t${i}`, expect: { statusCode: 200 } })),
      'tests: at most 20 tests',
    ],
    [
      [{ name: 'a', seedBase64: 'short', expect: { statusCode: 200 } }],
      'tests[0].seedBase64: must be 32 bytes',
    ],
    [[{ name: 'a', expect: { outcome: 'fine' } }], 'tests[0].expect.outcome'],
  ])('refuse a tests array that breaks the schema with 400 naming the field (%#)', async (tests, message) => {
    const before = await list();
    const refused = await call(server, 'POST', '/api/responders', {
      key,
      json: { ...draft('/schema', {}, { script }), tests },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain(message);
    expect(await list()).toEqual(before);
  });
});
