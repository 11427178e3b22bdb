// Secrets end to end (docs/contract.md §12) through the local server (the same handlers as Lambda, against dynalite): the
// management routes, a Basic-auth script reading context.secrets, settings.secrets, and that a value never
// comes back out: not in an API answer, the public answer, a dry run, the history or a log line.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'secrets-key-0123456789';
const otherKey = 'secrets-other-0123456789';
// Tests that read a whole namespace's secrets ("all", a damaged one) each have a namespace of their own, so
// that they pass in any order.
const scopedKey = 'secrets-scoped-0123456789';
const movedKey = 'secrets-moved-0123456789';
const testedKey = 'secrets-tested-0123456789';
const server = useManagementServer({
  API_KEYS: `acme:${key},other:${otherKey},scoped:${scopedKey},moved:${movedKey},tested:${testedKey}`,
});
const password = 'Pa55-zebra-quokka-7d1f';

// Every line the process writes (the logger, the metrics records) while this file runs.
const written: string[] = [];
beforeAll(() => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    });
  }
});
afterAll(() => vi.restoreAllMocks());

const put = (name: string, value: unknown, as = key) =>
  call(server, 'PUT', `/api/secrets/${name}`, { key: as, json: { value } });
const names = async (as = key) => (await call(server, 'GET', '/api/secrets', { key: as })).json.items;

// Secutils' documented Basic-auth style: the expected credentials come from context.secrets.
const basicAuth = `(async () => {
  const expected = 'Basic ' + btoa('admin:' + context.secrets.PASSWORD);
  if (context.headers.authorization !== expected) {
    return { statusCode: 401, headers: { 'www-authenticate': 'Basic realm="hooks"' }, body: 'denied' };
  }
  console.log('authorized', JSON.stringify(context));
  return { statusCode: 200, body: JSON.stringify(context) };
})();`;

describe('the secret routes', () => {
  it('store, list (names only) and delete a secret', async () => {
    const before = await names();
    expect((await put('TEMP', 'value-1')).status).toBe(204);
    expect((await put('TEMP', 'value-2')).status).toBe(204);
    const listed = await call(server, 'GET', '/api/secrets', { key });
    expect(listed.json.items).toContainEqual({ name: 'TEMP', updatedAt: expect.any(Number) });
    expect(listed.json.items).toHaveLength(before.length + 1);
    expect(listed.text).not.toContain('value-');
    expect((await call(server, 'DELETE', '/api/secrets/TEMP', { key })).status).toBe(204);
    expect((await call(server, 'DELETE', '/api/secrets/TEMP', { key })).status).toBe(404);
    expect(await names()).toEqual(before);
  });

  it.each([
    ['a name starting with a digit', '1ABC', { value: 'x' }, 'name'],
    ['a name of 65 characters', `A${'b'.repeat(64)}`, { value: 'x' }, 'name'],
    ['a name with a dash', 'A-B', { value: 'x' }, 'name'],
    ['no value', 'OK', {}, 'value'],
    ['a value that is not a string', 'OK', { value: 42 }, 'value'],
    ['a value of 4 KiB + 1 byte', 'OK', { value: `${'é'.repeat(2048)}x` }, 'value'],
    ['an unknown field', 'OK', { value: 'x', extra: 1 }, 'extra'],
  ])('refuse %s with 400 naming the field, and write nothing', async (_case, name, body, field) => {
    const before = await names();
    const answer = await call(server, 'PUT', `/api/secrets/${name}`, { key, json: body });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(new RegExp(`^${field}\\b`));
    expect(await names()).toEqual(before);
  });

  it('take a value of exactly 4 KiB', async () => {
    expect((await put('FULL', 'é'.repeat(2048))).status).toBe(204);
    expect((await call(server, 'DELETE', '/api/secrets/FULL', { key })).status).toBe(204);
  });

  it('refuse the 101st secret of a namespace, and keep the 100', async () => {
    for (let index = 0; index < 100; index++)
      expect((await put(`S${index}`, 'v', otherKey)).status).toBe(204);
    const refused = await put('S100', 'v', otherKey);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/^name: .*100/);
    expect(await names(otherKey)).toHaveLength(100);
    // A replacement still fits.
    expect((await put('S0', 'w', otherKey)).status).toBe(204);
  });

  it("keep each namespace's secrets to itself: another's are invisible and a 404", async () => {
    expect((await put('MINE', 'v')).status).toBe(204);
    expect((await names(otherKey)).map((s: { name: string }) => s.name)).not.toContain('MINE');
    expect((await call(server, 'DELETE', '/api/secrets/MINE', { key: otherKey })).status).toBe(404);
    expect((await call(server, 'DELETE', '/api/secrets/MINE', { key })).status).toBe(204);
  });

  it('need a key', async () => {
    expect((await call(server, 'GET', '/api/secrets')).status).toBe(401);
  });
});

describe('settings.secrets', () => {
  it('refuses a name that does not exist, naming settings.secrets, and creates nothing', async () => {
    const answer = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/missing', {}, { script: '({})', secrets: ['NOPE'] }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/^settings\.secrets: .*NOPE/);
    const list = await call(server, 'GET', '/api/responders', { key });
    expect(list.json.items.map((r: { location: { path: string } }) => r.location.path)).not.toContain(
      '/missing',
    );
  });

  it('gives a script none by default, all with "all", exactly the named ones with a list', async () => {
    expect((await put('ALPHA', 'alpha-value', scopedKey)).status).toBe(204);
    expect((await put('BETA', 'beta-value', scopedKey)).status).toBe(204);
    const script = '({ body: JSON.stringify(context.secrets) })';
    const cases: Array<[string, unknown, Record<string, string>]> = [
      ['/none', undefined, {}],
      ['/none-explicit', 'none', {}],
      ['/all', 'all', { ALPHA: 'alpha-value', BETA: 'beta-value' }],
      ['/beta', ['BETA'], { BETA: 'beta-value' }],
    ];
    for (const [path, secrets, expected] of cases) {
      const settings = { script, ...(secrets === undefined ? {} : { secrets }) };
      expect(
        (await call(server, 'POST', '/api/responders', { key: scopedKey, json: draft(path, {}, settings) }))
          .status,
      ).toBe(201);
      const answer = await fetch(`${server.base}/scoped${path}`);
      expect(JSON.parse(await answer.text())).toEqual(expected);
    }
    // A named secret deleted later is absent, not an error.
    expect((await call(server, 'DELETE', '/api/secrets/BETA', { key: scopedKey })).status).toBe(204);
    expect(JSON.parse(await (await fetch(`${server.base}/scoped/beta`)).text())).toEqual({});
  });
});

describe('saved tests', () => {
  it('run with the secrets the responder is given, as its public requests do', async () => {
    expect((await put('PASSWORD', password, testedKey)).status).toBe(204);
    const authorization = `Basic ${btoa(`admin:${password}`)}`;
    const tests = [
      { name: 'lets admin in', request: { headers: { authorization } }, expect: { statusCode: 200 } },
      { name: 'keeps others out', request: {}, expect: { statusCode: 401 } },
    ];
    const created = await call(server, 'POST', '/api/responders', {
      key: testedKey,
      json: { ...draft('/tested', {}, { script: basicAuth, secrets: ['PASSWORD'] }), tests },
    });
    expect(created.status).toBe(201);
    const run = await call(server, 'POST', `/api/responders/${created.json.id}/tests/run`, {
      key: testedKey,
    });
    expect(run.json.summary).toEqual({ total: 2, passed: 2, failed: 0 });

    // Without access to the secret the same tests fail, and the update is refused.
    const refused = await call(server, 'PUT', `/api/responders/${created.json.id}`, {
      key: testedKey,
      json: {
        ...draft('/tested', {}, { script: basicAuth, secrets: 'none' }),
        tests,
        version: created.json.version,
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.map((d: { name: string }) => d.name)).toEqual(['lets admin in']);
  });
});

describe('a secret value', () => {
  it('never leaves: API answers, public answers, dry runs, history and logs', async () => {
    const seen: string[] = [];
    const keep = <T extends { text: string }>(answer: T) => {
      seen.push(answer.text);
      return answer;
    };
    keep(await put('PASSWORD', password));
    keep(await call(server, 'GET', '/api/secrets', { key }));
    const created = keep(
      await call(server, 'POST', '/api/responders', {
        key,
        json: draft(
          '/private',
          { method: 'POST' },
          { script: basicAuth, secrets: ['PASSWORD'], requestsToTrack: 10 },
        ),
      }),
    );
    expect(created.status).toBe(201);
    const id = created.json.id;
    const authorization = `Basic ${btoa(`admin:${password}`)}`;

    const denied = await fetch(`${server.base}/acme/private`, { method: 'POST', body: 'hi' });
    expect(denied.status).toBe(401);
    seen.push(await denied.text());
    const allowed = await fetch(`${server.base}/acme/private`, {
      method: 'POST',
      headers: { authorization },
      body: 'hi',
    });
    expect(allowed.status).toBe(200);
    const echoed = await allowed.text();
    seen.push(echoed);
    // The script's echo of its context is the whole context but its secrets.
    expect(JSON.parse(echoed)).toMatchObject({ method: 'POST', path: '/private' });

    const dryRun = keep(
      await call(server, 'POST', `/api/responders/${id}/test`, {
        key,
        json: { request: { method: 'POST', headers: { authorization }, bodyBase64: btoa('hi') } },
      }),
    );
    expect(dryRun.json.statusCode).toBe(200);
    expect(dryRun.json.console[0].message).toMatch(/^authorized/);
    const history = keep(await call(server, 'GET', `/api/responders/${id}/history`, { key }));
    expect(history.json.items).toHaveLength(2);
    keep(await call(server, 'GET', `/api/responders/${id}`, { key }));

    // A script that logs or throws the value by mistake: masked in the console and the failure answer.
    const careless = keep(
      await call(server, 'POST', '/api/responders', {
        key,
        json: draft(
          '/careless',
          {},
          {
            script:
              'console.log("pw=" + context.secrets.PASSWORD); throw new Error("bad " + context.secrets.PASSWORD)',
            secrets: 'all',
            requestsToTrack: 5,
          },
        ),
      }),
    );
    const failed = await fetch(`${server.base}/acme/careless`);
    expect(failed.status).toBe(500);
    seen.push(await failed.text());
    const carelessHistory = keep(
      await call(server, 'GET', `/api/responders/${careless.json.id}/history`, { key }),
    );
    expect(carelessHistory.json.items[0].console[0].message).toBe('pw=***');

    for (const text of [...seen, ...written]) expect(text).not.toContain(password);
    expect(written.join('')).toContain('authorized');
  });
});

describe('a ciphertext moved to another secret', () => {
  it('does not decrypt: the request is answered 503 and the script does not run', async () => {
    expect((await put('FROM', 'from-value', movedKey)).status).toBe(204);
    expect((await put('TO', 'to-value', movedKey)).status).toBe(204);
    const { client } = server.app.runtime.stores;
    const from = await client.get({
      TableName: server.tableName,
      Key: { pk: 'NS#moved', sk: 'SECRET#FROM' },
    });
    await client.update({
      TableName: server.tableName,
      Key: { pk: 'NS#moved', sk: 'SECRET#TO' },
      UpdateExpression: 'SET ciphertext = :moved',
      ExpressionAttributeValues: { ':moved': from.Item?.ciphertext },
    });
    server.app.runtime.secrets.invalidate('moved');
    const created = await call(server, 'POST', '/api/responders', {
      key: movedKey,
      json: draft('/moved', {}, { script: '({ body: context.secrets.TO })', secrets: ['TO'] }),
    });
    expect(created.status).toBe(201);
    const answer = await fetch(`${server.base}/moved/moved`);
    expect(answer.status).toBe(503);
    expect(await answer.text()).not.toContain('from-value');
  });
});
