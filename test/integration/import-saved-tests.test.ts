// Saved tests gate imports too (docs/contract.md §8, §9): `npm run responders -- import` and RESPONDERS_FILE refuse a file
// with a failing test, naming the responder and the test, and write nothing; passing tests are imported and
// exported with their responder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocal } from '../../lib/local/start.ts';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { useDynalite } from '../support/dynalite.ts';
import { runCli } from '../support/run-cli.ts';

const db = useDynalite();
const dir = mkdtempSync(join(tmpdir(), 'import-tests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function importFile(file: string) {
  return runCli('responders', ['import', file], {
    TABLE_NAME: db.dynamo.tableName,
    DYNAMODB_ENDPOINT: db.dynamo.endpoint,
  });
}

const greeter = (expected: string) => ({
  name: 'greeter',
  location: { pathType: '=', path: '/greet' },
  method: 'GET',
  settings: { script: "({ body: 'hello ' + (context.query.name ?? 'anon') })" },
  tests: [{ name: 'by name', request: { rawQuery: 'name=ada' }, expect: { body: expected } }],
});
const plain = {
  name: 'plain',
  location: { pathType: '=', path: '/plain' },
  method: 'GET',
  settings: { body: 'x' },
};

function writeFile(name: string, namespace: string, responders: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ namespace, responders }));
  return file;
}

describe('imports run saved tests', { timeout: 60_000 }, () => {
  it('npm run responders -- import refuses a failing test by responder and test, writing nothing', async () => {
    const file = writeFile('failing.json', 'team-if', [plain, greeter('hello bob')]);
    const result = await importFile(file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'responders[1] ("greeter"): test "by name" failed: body expected "hello bob", got "hello ada"',
    );
    expect(await db.stores.responders.listAll('team-if')).toEqual([]);
  });

  it('npm run responders -- import lets passing tests through and keeps them', async () => {
    const file = writeFile('passing.json', 'team-ip', [greeter('hello ada')]);
    const result = await importFile(file);
    expect(result.code).toBe(0);
    const [stored] = await db.stores.responders.listAll('team-ip');
    expect(stored?.tests).toMatchObject(greeter('hello ada').tests);
  });

  it('RESPONDERS_FILE with a failing test stops the start, naming the responder and the test', async () => {
    const file = writeFile('start.json', 'team-is', [greeter('nope')]);
    await expect(
      startLocal({ env: { PORT: '0', HOST: '127.0.0.1', RESPONDERS_FILE: file }, print: () => {} }),
    ).rejects.toThrow(/responders\[0\] \("greeter"\): test "by name" failed: body expected "nope"/);
  });

  it('a start stopped by a failing test while the sandbox still warms up leaves no unhandled rejection', async () => {
    const file = writeFile('start-warming.json', 'team-iw', [greeter('nope')]);
    const unhandled: unknown[] = [];
    const collect = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', collect);
    try {
      await expect(
        startLocal({
          env: { PORT: '0', HOST: '127.0.0.1', SANDBOX_WORKERS: '1', RESPONDERS_FILE: file },
          print: () => {},
          // The warm-up (the first execution) is still waiting when the saved test fails and the start closes
          // the sandbox under it.
          createSandbox: (options) => {
            const sandbox = createSandbox(options);
            let closeWarmUp = (_error: Error) => {};
            let runs = 0;
            return {
              run: (run) =>
                runs++ === 0
                  ? new Promise((_resolve, reject) => {
                      closeWarmUp = reject;
                    })
                  : sandbox.run(run),
              checkSyntax: (script) => sandbox.checkSyntax(script),
              close: async () => {
                closeWarmUp(new Error('the sandbox is closed'));
                await sandbox.close();
              },
            };
          },
        }),
      ).rejects.toThrow(/test "by name" failed/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', collect);
    }
  });
});
