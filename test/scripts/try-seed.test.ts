// `try --seed BASE64 --now-ms N` (docs/contract.md §7, §9): an execution reproduced at the command line, in a process of its
// own, byte for byte; bad values are a one-line error and exit status 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, emptyScriptContext } from '../../lib/sandbox/index.ts';

/** Only a hang reaches it: a loaded machine starts tsx and the sandbox in seconds. */
const spawnTimeoutMs = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'try-seed-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script =
  '({ body: [Math.random(), crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(4))), Date.now(), new Date().toISOString()] })';
const scriptFile = join(dir, 'random.js');
writeFileSync(scriptFile, script);

const seed = Buffer.alloc(32, 0xab).toString('base64');
const otherSeed = Buffer.alloc(32, 0xcd).toString('base64');

function tryScript(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/try.ts', ...args], {
    encoding: 'utf8',
    timeout: spawnTimeoutMs,
  });
  const line = result.stdout.split('\n').find((text) => text.startsWith('{'));
  return { status: result.status, line: line ? JSON.parse(line) : undefined, stderr: result.stderr };
}

describe('try --seed --now-ms', { timeout: 3 * spawnTimeoutMs }, () => {
  it('gives the same bytes in two processes and in this one for the same seed and time', async () => {
    const first = tryScript('--seed', seed, '--now-ms', '1700000000000', scriptFile);
    const second = tryScript('--seed', seed, '--now-ms', '1700000000000', scriptFile);
    expect(first.status).toBe(0);
    expect(first.line.outcome).toBe('ok');
    expect(second.line.bodyBase64).toBe(first.line.bodyBase64);
    const body = JSON.parse(Buffer.from(first.line.bodyBase64, 'base64').toString());
    expect(body.slice(3)).toEqual([1700000000000, '2023-11-14T22:13:20.000Z']);
    const sandbox = createSandbox();
    try {
      const here = await sandbox.run({
        script,
        context: emptyScriptContext,
        defaults: { statusCode: 200, headers: [], body: new Uint8Array() },
        seed: new Uint8Array(Buffer.from(seed, 'base64')),
        nowMs: 1700000000000,
      });
      expect(Buffer.from(here.body).toString('base64')).toBe(first.line.bodyBase64);
    } finally {
      await sandbox.close();
    }
  });

  it('gives other randomness for another seed', () => {
    const a = tryScript('--seed', seed, '--now-ms', '5', scriptFile);
    const b = tryScript('--seed', otherSeed, '--now-ms', '5', scriptFile);
    const bodyA = JSON.parse(Buffer.from(a.line.bodyBase64, 'base64').toString());
    const bodyB = JSON.parse(Buffer.from(b.line.bodyBase64, 'base64').toString());
    expect(bodyB[0]).not.toBe(bodyA[0]);
    expect(bodyB[1]).not.toBe(bodyA[1]);
    expect(bodyB[3]).toBe(5);
  });

  it.each([
    [['--seed', Buffer.alloc(16).toString('base64')], /--seed must be 32 bytes in base64/],
    [['--seed', 'not base64!'], /--seed must be 32 bytes in base64/],
    [['--now-ms=-1'], /--now-ms must be an integer from 0/],
    [['--now-ms', '1.5'], /--now-ms must be an integer from 0/],
    [['--now-ms', '9000000000000000'], /--now-ms must be an integer from 0/],
  ])('refuses %j with one line and exit status 2', (args, message) => {
    const { status, line, stderr } = tryScript(...args, scriptFile);
    expect(status).toBe(2);
    expect(line).toBeUndefined();
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
