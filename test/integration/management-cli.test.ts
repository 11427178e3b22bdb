// The operator commands, spawned as `npm run` would run them, against a dynalite table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiKeyPrefix } from '../../lib/keys/api-key.ts';
import { authenticate } from '../../lib/keys/authenticate.ts';
import { DynamoApiKeyStore } from '../../lib/keys/key-store.ts';
import { useDynalite } from '../support/dynalite.ts';
import { runCli } from '../support/run-cli.ts';

const db = useDynalite();
const dir = mkdtempSync(join(tmpdir(), 'management-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: 'keys' | 'responders', args: string[], env: Record<string, string | undefined> = {}) {
  return runCli(script, args, {
    TABLE_NAME: db.dynamo.tableName,
    DYNAMODB_ENDPOINT: db.dynamo.endpoint,
    ...env,
  });
}

const keyStore = () => new DynamoApiKeyStore({ client: db.stores.client, tableName: db.dynamo.tableName });

// Each spawn loads TypeScript through tsx (about a second on an idle 2-core machine): room for a busy one.
const spawnTimeoutMs = 60_000;

describe('npm run keys', { timeout: spawnTimeoutMs }, () => {
  it('creates a key printed once on stdout, stored hashed, and revokes it by its prefix', async () => {
    const created = await run('keys', ['create', 'team-cli']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^wr_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain(apiKeyPrefix(key));
    expect(created.stderr).not.toContain(key);
    expect(await authenticate(`Bearer ${key}`, keyStore())).toEqual({
      namespace: 'team-cli',
      keyPrefix: apiKeyPrefix(key),
    });

    const revoked = await run('keys', ['revoke', apiKeyPrefix(key)]);
    expect(revoked.code).toBe(0);
    expect(await authenticate(`Bearer ${key}`, keyStore())).toBeUndefined();

    const unknown = await run('keys', ['revoke', 'wr_00000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('keys: no key with prefix wr_00000000');
  });

  it('exits 1 with a one-line error naming the table when the table does not exist', async () => {
    const missing = await run('keys', ['create', 'team-x'], { TABLE_NAME: 'no-such-table' });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'keys: table no-such-table not found (check TABLE_NAME, AWS_REGION or DYNAMODB_ENDPOINT, and the credentials: DynamoDB Local keeps a database per access key and region unless started with -sharedDb)',
    );
  });

  it('exits 2 with a one-line error for bad usage', async () => {
    const answers = await Promise.all([
      run('keys', []),
      run('keys', ['create', 'API!']),
      run('keys', ['rotate', 'x']),
      run('keys', ['create', 'team-x'], { TABLE_NAME: '' }),
    ]);
    for (const answer of answers) {
      expect(answer.code).toBe(2);
      expect(answer.stderr.split('\n')[0]).toMatch(/^keys: /);
      expect(answer.stdout).toBe('');
    }
    expect(answers[3]?.stderr).toContain('TABLE_NAME is not set');
  });
});

describe('npm run responders', { timeout: spawnTimeoutMs }, () => {
  const file = join(dir, 'responders.json');
  const responders = [
    {
      name: 'static',
      location: { pathType: '=', path: '/static' },
      method: 'GET',
      enabled: true,
      settings: {
        requestsToTrack: 0,
        statusCode: 200,
        headers: [['content-type', 'text/plain']],
        body: 'hi',
      },
    },
    {
      name: 'scripted',
      location: { pathType: '^', path: '/hooks' },
      method: 'POST',
      enabled: false,
      settings: {
        requestsToTrack: 5,
        statusCode: 201,
        headers: [],
        script: '(async () => ({ body: 1 }))();',
      },
    },
  ];

  it('imports a file idempotently by location and method, and exports it back the same', async () => {
    writeFileSync(file, JSON.stringify({ namespace: 'team-io', responders }));
    const first = await run('responders', ['import', file]);
    expect(first.code).toBe(0);
    const second = await run('responders', ['import', file]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('(2 replaced)');
    expect(await db.stores.responders.listAll('team-io')).toHaveLength(2);

    const exported = await run('responders', ['export', 'team-io']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({ namespace: 'team-io', responders });
  });

  it('refuses a file with a bad entry or a script that does not compile, writing nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        namespace: 'team-bad',
        responders: [{ ...responders[0], settings: { ...responders[0]?.settings, statusCode: 700 } }],
      }),
    );
    const invalid = await run('responders', ['import', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('responders[0].settings.statusCode');
    writeFileSync(
      bad,
      JSON.stringify({
        namespace: 'team-bad',
        responders: [responders[0], { ...responders[1], settings: { script: '(() => {' } }],
      }),
    );
    const syntax = await run('responders', ['import', bad]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain('responders[1].settings.script: syntax error');
    expect(await db.stores.responders.listAll('team-bad')).toEqual([]);
  });

  it('exits 2 for bad usage: no command, a missing file, an invalid namespace', async () => {
    const answers = await Promise.all([
      run('responders', []),
      run('responders', ['import', join(dir, 'missing.json')]),
      run('responders', ['export', 'Not A Namespace']),
    ]);
    expect(answers.map((answer) => answer.code)).toEqual([2, 2, 2]);
    expect(answers[1]?.stderr.split('\n')[0]).toContain('missing.json: cannot read it');
  });
});
