// Every failure class of SANDBOX-NOTES.md: each script gets its docs/contract.md §3 answer, and the next benign script works.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, type ScriptExecution, type ScriptRun } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

// Whether each failure is answered, not how fast: test/sandbox/run.test.ts holds the stop-time promise.
const sandbox = createSandbox();
afterAll(() => sandbox.close());

const deadlineMs = 200;

async function runThenBenign(
  script: string,
  // Only the deadline tests need a short deadline; the rest get room for a loaded machine.
  limits: ScriptRun['limits'] = { deadlineMs: 5_000 },
): Promise<ScriptExecution> {
  const execution = await sandbox.run(scriptRun(script, { limits }));
  const benign = await sandbox.run(
    scriptRun('(async () => ({ statusCode: 200, body: { after: context.method } }))()'),
  );
  expect(benign.outcome).toBe('ok');
  expect(text(benign.body)).toBe('{"after":"POST"}');
  return execution;
}

function expectFailure(
  execution: ScriptExecution,
  outcome: string,
  statusCode: number,
  body: string | RegExp,
) {
  expect(execution.outcome).toBe(outcome);
  expect(execution.statusCode).toBe(statusCode);
  expect(execution.headers).toEqual([['content-type', 'text/plain; charset=utf-8']]);
  if (typeof body === 'string') expect(text(execution.body)).toBe(body);
  else expect(text(execution.body)).toMatch(body);
}

describe('a script that runs past its deadline', () => {
  it.each([
    ['a plain loop', 'while (true) {}'],
    ['a loop in try/finally', 'for (;;) { try { for (;;) {} } finally { continue; } }'],
    ['a loop in eval', "eval('for (;;) {}')"],
    ['busy waiting on Date.now', 'const end = Date.now() + 60_000; while (Date.now() < end) {}'],
    ['a loop in a promise job', 'Promise.resolve().then(() => { for (;;) {} })'],
    ['an endless microtask chain', '(async () => { for (;;) await null; })()'],
    ['a catastrophic regular expression', "/^(a+)+$/.test('a'.repeat(40) + 'b')"],
    ['a native built-in on an enormous array-like', 'Array.prototype.join.call({ length: 2 ** 31 })'],
    [
      'another native built-in on an enormous array-like',
      'Array.prototype.lastIndexOf.call({ length: 2 ** 40 }, 1)',
    ],
    [
      // One call takes seconds (QuickJS checks for cycles level by level: quadratic in the depth) and never
      // polls the interrupt, so the host's hard stop ends it; the loop keeps a faster machine from finishing.
      'stringifying a deeply nested object',
      'let o = {}; for (let i = 0; i < 20_000; i++) o = { o }; for (;;) JSON.stringify(o)',
    ],
    ['an error whose message getter loops', 'throw { get message() { for (;;) {} } }'],
    ['a result whose getter loops', '({ get body() { for (;;) {} } })'],
  ])('answers 504 for %s', async (_name, script) => {
    expectFailure(
      await runThenBenign(script, { deadlineMs }),
      'timeout',
      504,
      `Script exceeded time limit (${deadlineMs} ms).`,
    );
  });
});

describe('a script that runs out of memory', () => {
  const limit = 10 * 1024 * 1024;
  it.each([
    ['string doubling', "let s = 'x'.repeat(1024); for (;;) { s = s + s; s.charCodeAt(1); }"],
    ['an array of objects', 'const a = []; for (let i = 0; ; i++) a.push({ i });'],
    ['a map', "const m = new Map(); for (let i = 0; ; i++) m.set(i, 'v' + i);"],
    ['one huge ArrayBuffer', 'new ArrayBuffer(512 * 1024 * 1024)'],
    [
      'buffers allocated in promise jobs',
      '(async () => { const a = []; for (;;) { await null; a.push(new Uint8Array(1 << 20)); } })()',
    ],
    [
      'strings built in promise jobs',
      "Promise.resolve().then(() => { const a = []; for (let i = 0; ; i++) a.push('k' + i + 'v'.repeat(100)); })",
    ],
  ])('answers 500 for %s', async (_name, script) => {
    expectFailure(
      await runThenBenign(script, { memoryBytes: limit, deadlineMs: 5_000 }),
      'memory',
      500,
      `Script exceeded memory limit (${limit} bytes).`,
    );
  });

  it('stops an allocating script at about its limit in bytes', async () => {
    const execution = await sandbox.run(
      scriptRun(
        'const kept = []; for (let i = 1; ; i++) { kept.push(new Uint8Array(1 << 20)); console.log(String(i << 20)); }',
        {
          limits: { memoryBytes: limit },
        },
      ),
    );
    expect(execution.outcome).toBe('memory');
    const reached = Number(execution.console.at(-1)?.message);
    expect(reached).toBeGreaterThanOrEqual(limit - 3 * (1 << 20));
    expect(reached).toBeLessThanOrEqual(limit);
  });

  it('holds a larger limit just as well', async () => {
    const larger = 24 * 1024 * 1024;
    const execution = await sandbox.run(
      scriptRun(
        'const kept = []; for (let i = 1; ; i++) { kept.push(new Uint8Array(1 << 20)); console.log(String(i << 20)); }',
        {
          limits: { memoryBytes: larger },
        },
      ),
    );
    expect(execution.outcome).toBe('memory');
    expect(text(execution.body)).toBe(`Script exceeded memory limit (${larger} bytes).`);
    expect(Number(execution.console.at(-1)?.message)).toBeLessThanOrEqual(larger);
  });
});

describe('a script that overflows the stack', () => {
  it.each([
    ['deep recursion', '(function f() { return f() + 1; })()'],
    ['deep recursion in a promise job', 'Promise.resolve().then(function f() { return f() + 1; })'],
    ['parsing deeply nested JSON', "JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000))"],
    ['a deeply nested regular expression', "new RegExp('(?:'.repeat(100_000) + ')'.repeat(100_000))"],
    ['recursion through a native built-in', 'const o = {}; o.toString = () => String(o); String(o)'],
    ['recursion through Array.prototype.map', '(function f() { return [1].map(f); })()'],
    [
      'converting deeply nested arrays to a string',
      'let a = []; for (let i = 0; i < 100_000; i++) a = [a]; String(a)',
    ],
  ])('answers 500 for %s', async (_name, script) => {
    expectFailure(
      await runThenBenign(script, { deadlineMs: 5_000 }),
      'stack',
      500,
      'Script exceeded stack limit.',
    );
  });
});

describe('a script that throws', () => {
  it.each([
    ['an Error', "throw new Error('boom')", 'Script error: boom'],
    ['a TypeError from a bug', 'null.x', /^Script error: cannot read property 'x' of null$/],
    ['a string', "throw 'plain'", 'Script error: plain'],
    ['a number', 'throw 42', 'Script error: 42'],
    ['a rejected promise', "(async () => { throw new RangeError('late'); })()", 'Script error: late'],
    [
      'an object with a throwing toString',
      'throw { toString() { throw 1; } }',
      'Script error: [object Object]',
    ],
    [
      'an error whose message getter throws',
      'throw { get message() { throw new Error("x"); } }',
      'Script error: [unreadable error]',
    ],
  ])('answers 500 for %s', async (_name, script, body) => {
    expectFailure(await runThenBenign(script), 'error', 500, body);
  });
});

describe('a script that never settles', () => {
  it.each([
    ['a promise that never resolves', 'new Promise(() => {})'],
    [
      'an async function awaiting forever',
      '(async () => { await new Promise(() => {}); return { body: "x" }; })()',
    ],
    ['a thenable that never calls back', '({ then() {} })'],
  ])('answers 500 for %s', async (_name, script) => {
    expectFailure(await runThenBenign(script), 'unsettled', 500, 'Script never settled its promise.');
  });
});

describe('a script that returns something unusable', () => {
  it.each([
    ['a status out of range', '({ statusCode: 700 })', /statusCode must be an integer from 200 to 599/],
    ['a fractional status', '({ statusCode: 200.5 })', /statusCode must be an integer/],
    ['a NaN status', '({ statusCode: NaN })', /statusCode must be an integer from 200 to 599, got NaN/],
    ['an infinite status', '({ statusCode: -Infinity })', /statusCode must be an integer .*, got -Infinity/],
    ['a status beyond 2^53', '({ statusCode: 1e300 })', /statusCode must be an integer .*, got 1e\+300/],
    ['a status given as a string', "({ statusCode: '200' })", /statusCode must be a number, got a string/],
    [
      'a string instead of an object',
      "'hello'",
      /expected an object with statusCode, headers and body, got a string/,
    ],
    ['a function body', '({ body() {} })', /the body is a function/],
    ['a symbol body', '({ body: Symbol("s") })', /the body is a symbol/],
    ['a BigInt body', '({ body: 10n })', /the body is a bigint/],
    ['a cyclic body', 'const o = {}; o.self = o; ({ body: o })', /cannot be converted to JSON/],
    ['a body with a BigInt inside', '({ body: { n: 1n } })', /cannot be converted to JSON/],
    ['a body over 4 MiB', "({ body: 'x'.repeat(4 * 1024 * 1024 + 1) })", /larger than 4194304 bytes/],
    [
      'a binary body over 4 MiB',
      '({ body: new Uint8Array(4 * 1024 * 1024 + 1) })',
      /larger than 4194304 bytes/,
    ],
    ['a header that is not a string', "({ headers: { 'x-n': 1 } })", /header "x-n" must be a string/],
    ['a header name that is not a token', "({ headers: { 'bad name': 'v' } })", /is not an HTTP token/],
    [
      'a header value with a line break',
      "({ headers: { 'x-a': 'v\\r\\nset-cookie: a=b' } })",
      /CR, LF or NUL/,
    ],
    ['headers given as an array', "({ headers: [['a', 'b']] })", /headers must be an object/],
    [
      'a result getter that throws',
      '({ get statusCode() { throw new Error("nope"); } })',
      /reading the result threw: nope/,
    ],
    [
      'a proxy that throws',
      "new Proxy({}, { get(_, key) { if (key === 'then') return undefined; throw new Error('trap'); } })",
      /reading the result threw: trap/,
    ],
  ])('answers 500 for %s', async (_name, script, reason) => {
    const execution = await runThenBenign(script);
    expect(execution.outcome).toBe('invalid');
    expect(execution.statusCode).toBe(500);
    expect(text(execution.body)).toMatch(/^Script returned an invalid result: /);
    expect(text(execution.body)).toMatch(reason);
  });
});

describe('a script with a syntax error', () => {
  it.each([
    ['a missing operand', 'let a = ;', 1],
    [
      'an unclosed function on a later line',
      '(async () => {\n  const a = 1;\n  return { body: a ;\n})();',
      3,
    ],
    ['a stray token after a comment', '// hello\n// world\n)', 3],
  ])('answers 500 with the line for %s', async (_name, script, line) => {
    const execution = await runThenBenign(script);
    expect(execution.outcome).toBe('syntax');
    expect(text(execution.body)).toMatch(new RegExp(`^Script syntax error: .+ \\(line ${line}\\)$`));
  });
});

describe('a script that tampers with built-ins', () => {
  it.each([
    ['JSON.stringify', "JSON.stringify = () => 'hacked'; ({ body: { ok: true } })", '{"ok":true}'],
    [
      'Object.prototype.toJSON on other objects',
      "Object.prototype.toJSON = function () { return 'x'; }; ({ body: 'text' })",
      'text',
    ],
    [
      'Promise.prototype.then',
      "Promise.prototype.then = function () {}; (async () => ({ body: 'fine' }))()",
      'fine',
    ],
    [
      'Array.prototype.push',
      "Array.prototype.push = () => { throw new Error('no'); }; ({ body: [1, 2] })",
      '\u0001\u0002',
    ],
    ['Uint8Array', "globalThis.Uint8Array = function () {}; ({ body: 'still' })", 'still'],
  ])('cannot break the answer by replacing %s', async (_name, script, body) => {
    const execution = await runThenBenign(script);
    expect(execution.outcome).toBe('ok');
    expect(text(execution.body)).toBe(body);
  });
});
