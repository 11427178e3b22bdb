// The `try` command line (docs/contract.md §7), run as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** Only a hang reaches it: a loaded machine starts tsx and the sandbox in seconds. */
const spawnTimeoutMs = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'try-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function tryScripts(...args: string[]) {
  return tryScriptsWith(process.env, ...args);
}

function tryScriptsWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/try.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: spawnTimeoutMs,
  });
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  return { status: result.status, lines, stderr: result.stderr };
}

describe('try', { timeout: 2 * spawnTimeoutMs }, () => {
  it('refuses a FORWARD_ALLOW_PRIVATE that is neither true nor false with exit status 2, naming it', () => {
    const { status, lines, stderr } = tryScriptsWith(
      { ...process.env, FORWARD_ALLOW_PRIVATE: 'yes' },
      file('ok.js', '({})'),
    );
    expect(status).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr.trim()).toBe('try: FORWARD_ALLOW_PRIVATE must be true or false, not "yes"');
  });

  it('gives a script the secrets of --secrets FILE as context.secrets, not enumerable', () => {
    const secrets = file('secrets.json', JSON.stringify({ TOKEN: 'tok-123' }));
    const script = file(
      'secret.js',
      '({ body: context.secrets.TOKEN + "|" + JSON.stringify(context).includes("tok") })',
    );
    const { status, lines } = tryScripts('--secrets', secrets, script);
    expect(status).toBe(0);
    expect(Buffer.from(lines[0].bodyBase64, 'base64').toString()).toBe('tok-123|false');
  });

  it.each([
    ['not an object', '["a"]', /must be a JSON object/],
    ['a bad name', '{"1X": "v"}', /1X: name: must match/],
    ['a value that is not a string', '{"X": 1}', /X: value: must be a string/],
  ])('refuses a secrets file that is %s with exit status 2', (_case, content, message) => {
    const { status, stderr } = tryScripts(
      '--secrets',
      file('bad-secrets.json', content),
      file('ok.js', '({})'),
    );
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('prints one JSON line per script, failures included, and exits 0', () => {
    const ok = file(
      'ok.js',
      "(async () => ({ statusCode: 201, headers: { 'x-a': '1' }, body: 'hi ' + context.method }))();\n",
    );
    // A failure that takes no time: a deadline short enough for a loop to end soon could also end the first
    // script on a loaded machine (its run pays for the sandbox's cold start).
    const fails = file('fails.js', "(() => { throw new Error('no such order'); })()");
    const { status, lines } = tryScripts(ok, fails);
    expect(status).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      script: ok,
      outcome: 'ok',
      statusCode: 201,
      headers: [['x-a', '1']],
      console: [],
    });
    expect(Buffer.from(lines[0].bodyBase64, 'base64').toString()).toBe('hi GET');
    expect(typeof lines[0].durationMs).toBe('number');
    expect(typeof lines[0].memoryBytes).toBe('number');
    expect(lines[1]).toMatchObject({ script: fails, outcome: 'error', statusCode: 500 });
    expect(Buffer.from(lines[1].bodyBase64, 'base64').toString()).toBe('Script error: no such order');
  });

  it('ends a script that never stops at --deadline-ms with a timeout line and exit 0', () => {
    const loop = file('loop.js', 'while (true) {}');
    const { status, lines } = tryScripts('--deadline-ms', '200', loop);
    expect(status).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ script: loop, outcome: 'timeout', statusCode: 504 })]);
    expect(Buffer.from(lines[0].bodyBase64, 'base64').toString()).toBe(
      'Script exceeded time limit (200 ms).',
    );
  });

  it('answers 200 with an empty body for a script that keeps the defaults', () => {
    const { lines } = tryScripts(file('keep.js', "console.log('kept'); undefined"));
    expect(lines[0]).toMatchObject({ outcome: 'ok', statusCode: 200, headers: [], bodyBase64: '' });
    expect(lines[0].console).toEqual([{ level: 'log', message: 'kept' }]);
  });

  it('runs the script against the request file', () => {
    const request = file(
      'request.json',
      JSON.stringify({
        method: 'post',
        path: '/hooks/a',
        rawQuery: 'x=1&x=2',
        headers: { 'X-Token': 'abc' },
        bodyBase64: Buffer.from('{"n":41}').toString('base64'),
        clientAddress: '198.51.100.1:4000',
      }),
    );
    const script = file(
      'echo.js',
      '({ body: { m: context.method, p: context.path, x: context.query.x, t: context.headers["x-token"], n: JSON.parse(new TextDecoder().decode(context.body)).n + 1, c: context.clientAddress } })',
    );
    const { lines } = tryScripts('--request', request, script);
    expect(JSON.parse(Buffer.from(lines[0].bodyBase64, 'base64').toString())).toEqual({
      m: 'POST',
      p: '/hooks/a',
      x: '2',
      t: 'abc',
      n: 42,
      c: '198.51.100.1:4000',
    });
  });

  it('passes header and query names such as constructor and __proto__ to the script as sent', () => {
    const script =
      '({ body: [context.query.__proto__, context.query.constructor, context.headers.constructor] })';
    const request = { rawQuery: '__proto__=q&constructor=c', headers: { Constructor: 'h' } };
    const { lines } = tryScripts(
      '--request',
      file('names.json', JSON.stringify(request)),
      file('names.js', script),
    );
    expect(JSON.parse(Buffer.from(lines[0].bodyBase64, 'base64').toString())).toEqual(['q', 'c', 'h']);
  });

  it("refuses a request file by the dry run's rules, naming the field as the dry run does", () => {
    const request = file('query.json', JSON.stringify({ rawQuery: '?a=1' }));
    const { status, stderr } = tryScripts('--request', request, file('null.js', 'null'));
    expect(status).toBe(2);
    expect(stderr.trim()).toBe(`try: request file ${request}: request.rawQuery: without the leading ?`);
  });

  it('applies the memory limit it is given', () => {
    const { lines } = tryScripts(
      '--memory-bytes',
      String(2 * 1024 * 1024),
      file('big.js', "'x'.repeat(8 * 1024 * 1024).length"),
    );
    expect(lines[0]).toMatchObject({ outcome: 'memory', statusCode: 500 });
    expect(Buffer.from(lines[0].bodyBase64, 'base64').toString()).toBe(
      'Script exceeded memory limit (2097152 bytes).',
    );
  });

  it('adds p50 and p99 with --repeat', () => {
    const { lines } = tryScripts('--repeat', '20', file('fast.js', '({ body: 1 })'));
    expect(lines).toHaveLength(1);
    expect(lines[0].p50Ms).toBeGreaterThan(0);
    expect(lines[0].p99Ms).toBeGreaterThanOrEqual(lines[0].p50Ms);
  });

  it.each([
    [
      'a missing script file',
      [join(dir, 'missing.js')],
      /cannot read script file .*missing\.js: no such file/,
    ],
    ['no script file', [], /no script file given/],
    ['an unknown option', ['--fast', 'x.js'], /Unknown option '--fast'/],
    [
      'a deadline that is not a number',
      ['--deadline-ms', 'soon', 'x.js'],
      /--deadline-ms must be an integer from 1 to 25000/,
    ],
    [
      'a memory limit over the cap',
      ['--memory-bytes', String(2 ** 30), 'x.js'],
      /--memory-bytes must be an integer/,
    ],
    ['a request file that is not JSON', ['--request', 'REQ_NOT_JSON', 'x.js'], /is not JSON/],
    ['a request with a bad field', ['--request', 'REQ_BAD_FIELD', 'x.js'], /path: /],
  ])('exits 2 with one line on stderr for %s', (_name, args, message) => {
    const notJson = file('not.json', '{ nope');
    const badField = file('bad.json', JSON.stringify({ path: 'no-slash' }));
    const script = file('x.js', 'null');
    const resolved = (args as string[]).map((arg) =>
      arg === 'REQ_NOT_JSON' ? notJson : arg === 'REQ_BAD_FIELD' ? badField : arg === 'x.js' ? script : arg,
    );
    const { status, lines, stderr } = tryScripts(...resolved);
    expect(status).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
