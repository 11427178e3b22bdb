// Keys and namespaces (docs/contract.md §5, §8): one 401 for every kind of bad key, and a key that sees only its own
// namespace — another namespace's responder is 404 for every verb, its history and dry run included.
import { describe, expect, it } from 'vitest';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../lib/keys/api-key.ts';
import { DynamoApiKeyStore } from '../../lib/keys/key-store.ts';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const keyA = 'key-team-a-0123456789';
const keyB = 'key-team-b-0123456789';
const server = useManagementServer({
  API_KEY: 'demo-key-0123456789',
  API_KEYS: `team-a:${keyA},team-b:${keyB}`,
});

const keyStore = () =>
  new DynamoApiKeyStore({
    client: server.app.runtime.stores.client,
    tableName: server.tableName,
  });

describe('management API: authentication', () => {
  it('answers every kind of bad key with the same 401, naming no reason', async () => {
    const revoked = generateApiKey();
    const store = keyStore();
    await store.put({
      prefix: apiKeyPrefix(revoked),
      namespace: 'team-a',
      hash: hashApiKey(revoked).toString('hex'),
      createdAt: 0,
    });
    await store.revoke(apiKeyPrefix(revoked), 1);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${keyA} extra` },
      { authorization: 'Bearer not-a-key-we-know' },
      { authorization: `Bearer ${generateApiKey()}` },
      { authorization: `Bearer ${keyA.slice(0, -1)}X` },
      { authorization: `Bearer ${revoked}` },
    ];
    const answers = await Promise.all(
      attempts.map((headers) => call(server, 'GET', '/api/responders', { headers })),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
  });

  it('checks the key before the route: no key gets 401 even for routes that do not exist', async () => {
    expect((await call(server, 'GET', '/api/nothing-here')).status).toBe(401);
    expect((await call(server, 'DELETE', '/api/responders/x')).status).toBe(401);
  });

  it('accepts a key created the way `npm run keys -- create` stores it, and refuses it once revoked', async () => {
    const key = generateApiKey();
    expect(key).toMatch(/^wr_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const store = keyStore();
    await store.put({
      prefix: apiKeyPrefix(key),
      namespace: 'team-a',
      hash: hashApiKey(key).toString('hex'),
      createdAt: 0,
    });
    expect((await call(server, 'GET', '/api/responders', { key })).status).toBe(200);
    await store.revoke(apiKeyPrefix(key), 1);
    expect((await call(server, 'GET', '/api/responders', { key })).status).toBe(401);
  });

  it('stores keys hashed: the table holds the SHA-256, never the key', async () => {
    const record = await keyStore().get(apiKeyPrefix(keyA));
    expect(record).toMatchObject({ namespace: 'team-a', hash: hashApiKey(keyA).toString('hex') });
    expect(JSON.stringify(record)).not.toContain(keyA);
  });

  it('opens the demo namespace with API_KEY and prints the key with a curl example at start', async () => {
    const list = await call(server, 'GET', '/api/responders', { key: 'demo-key-0123456789' });
    expect(list.status).toBe(200);
    expect(list.json.items.map((r: { name: string }) => r.name)).toContain('Static JSON');
    const printed = server.printed.join('\n');
    expect(printed).toContain('demo: demo-key-0123456789');
    expect(printed).toContain(
      `curl -s -H 'authorization: Bearer demo-key-0123456789' ${server.base}/api/responders`,
    );
  });
});

describe('management API: namespaces', () => {
  it('shows each key only its own namespace, and 404 for every verb on the other namespace', async () => {
    const ofB = await call(server, 'POST', '/api/responders', {
      key: keyB,
      json: draft('/secret', {}, { requestsToTrack: 5 }),
    });
    expect(ofB.status).toBe(201);
    const ofA = await call(server, 'POST', '/api/responders', { key: keyA, json: draft('/secret') });
    expect(ofA.status).toBe(201);
    const id = ofB.json.id;
    await fetch(`${server.base}/team-b/secret`);

    const listA = await call(server, 'GET', '/api/responders', { key: keyA });
    expect(listA.json.items.map((r: { id: string }) => r.id)).toEqual([ofA.json.id]);
    const asA = [
      await call(server, 'GET', `/api/responders/${id}`, { key: keyA }),
      await call(server, 'PUT', `/api/responders/${id}`, {
        key: keyA,
        json: { ...draft('/stolen'), version: 1 },
      }),
      await call(server, 'DELETE', `/api/responders/${id}`, { key: keyA }),
      await call(server, 'GET', `/api/responders/${id}/history`, { key: keyA }),
      await call(server, 'DELETE', `/api/responders/${id}/history`, { key: keyA }),
      await call(server, 'POST', `/api/responders/${id}/test`, { key: keyA }),
    ];
    expect(asA.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(asA[0]?.text).toBe(
      (
        await call(server, 'GET', '/api/responders/01939d1c-0000-7000-8000-000000000000', { key: keyA })
      ).text.replace('01939d1c-0000-7000-8000-000000000000', id),
    );

    const stillB = await call(server, 'GET', `/api/responders/${id}`, { key: keyB });
    expect(stillB.json).toEqual(ofB.json);
    expect(
      (await call(server, 'GET', `/api/responders/${id}/history`, { key: keyB })).json.items,
    ).toHaveLength(1);
    expect((await fetch(`${server.base}/team-b/secret`)).status).toBe(200);
  });
});
