// The script API of docs/contract.md §3, feature by feature, as a script sees it.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { defaults, requestContext, scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox();
afterAll(async () => {
  // Whichever of the tests ran, in whatever order: the script API never made the sandbox rebuild itself.
  expect(sandbox.stats().recycles).toEqual({});
  await sandbox.close();
});

/** Runs a script and returns its answer body as text. */
async function answer(script: string, context = requestContext()): Promise<string> {
  const execution = await sandbox.run(scriptRun(script, { context }));
  expect(execution.outcome, text(execution.body)).toBe('ok');
  return text(execution.body);
}

const hex = 'const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");';

describe('the script source', () => {
  it.each([
    ['a plain object expression', "({ body: 'a' })"],
    ['an async IIFE with a trailing semicolon', "(async () => ({ body: 'a' }))();"],
    ['a trailing line comment', "(async () => ({ body: 'a' }))() // done"],
    ['a semicolon followed by a comment', "(async () => ({ body: 'a' }))(); // done"],
    ['surrounding comments and white space', "\n/* answer */\n  (() => ({ body: 'a' }))()  \n\n// end\n"],
    ['statements before the value', "const value = 'a';\n({ body: value });"],
    ['a top-level await', "await Promise.resolve({ body: 'a' })"],
    ['a thenable', "({ then(resolve) { resolve({ body: 'a' }); } })"],
  ])('accepts %s', async (_name, script) => {
    expect(await answer(script)).toBe('a');
  });

  it('runs a Secutils sample unchanged', async () => {
    const script = `(async () => {
      const payload = JSON.parse(Deno.core.decode(new Uint8Array(context.body)));
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: Deno.core.encode(JSON.stringify({ ref: payload.ref, method: context.method })),
      };
    })();`;
    const execution = await sandbox.run(scriptRun(script));
    expect(execution.headers).toEqual([['content-type', 'application/json']]);
    expect(text(execution.body)).toBe('{"ref":"refs/heads/main","method":"POST"}');
  });
});

describe('context', () => {
  it('carries the request as SPEC §3 describes it', async () => {
    const body = await answer(
      '({ body: { method: context.method, path: context.path, rawQuery: context.rawQuery, query: context.query, headers: context.headers, clientAddress: context.clientAddress } })',
    );
    expect(JSON.parse(body)).toEqual({
      method: 'POST',
      path: '/github/push',
      rawQuery: 'name=ada&name=grace&lang=js',
      query: { name: 'grace', lang: 'js' },
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      clientAddress: '203.0.113.7:51234',
    });
  });

  it('gives the body as a Uint8Array that can be copied and indexed', async () => {
    const context = requestContext({ body: new Uint8Array([0, 255, 10]) });
    const body = await answer(
      '({ body: [context.body instanceof Uint8Array, new Uint8Array(context.body).length, context.body[1]] })',
      context,
    );
    expect(body).toBe('[true,3,255]');
  });

  it('leaves clientAddress out when unknown', async () => {
    expect(
      await answer(
        "({ body: String('clientAddress' in context) })",
        requestContext({ clientAddress: undefined }),
      ),
    ).toBe('false');
  });
});

describe('the result', () => {
  it.each([
    ['a Uint8Array as bytes', '({ body: new Uint8Array([0, 1, 254, 255]) })', [0, 1, 254, 255]],
    ['a view as exactly its bytes', '({ body: new Uint8Array([9, 1, 2, 9]).subarray(1, 3) })', [1, 2]],
    ['an ArrayBuffer as bytes', '({ body: new Uint8Array([7, 8]).buffer })', [7, 8]],
    ['an array of numbers as bytes', '({ body: [104, 105] })', [104, 105]],
    ['a string as UTF-8', "({ body: 'é✓' })", [0xc3, 0xa9, 0xe2, 0x9c, 0x93]],
  ])('sends %s', async (_name, script, bytes) => {
    const execution = await sandbox.run(scriptRun(script));
    expect([...execution.body]).toEqual(bytes);
  });

  it.each([
    ['an object', '({ body: { a: [1, "x"] } })', '{"a":[1,"x"]}'],
    ['an array that is not all bytes', '({ body: [1, 300, "x"] })', '[1,300,"x"]'],
    ['a number', '({ body: 42 })', '42'],
    ['a boolean', '({ body: false })', 'false'],
    ['an object with toJSON', '({ body: { toJSON() { return { custom: true }; } } })', '{"custom":true}'],
  ])('sends %s as JSON', async (_name, script, json) => {
    expect(await answer(script)).toBe(json);
  });

  it('keeps the default body and status when the result leaves them out', async () => {
    const execution = await sandbox.run(scriptRun("({ headers: { 'x-only': 'headers' } })"));
    expect(execution.statusCode).toBe(defaults.statusCode);
    expect(execution.headers).toEqual([['x-only', 'headers']]);
    expect(text(execution.body)).toBe(text(defaults.body));
  });

  it('keeps the defaults for a null result', async () => {
    const execution = await sandbox.run(scriptRun('null'));
    expect(execution).toMatchObject({ outcome: 'ok', statusCode: 202, headers: defaults.headers });
  });
});

describe('TextEncoder and TextDecoder', () => {
  it('round-trip UTF-8', async () => {
    expect(
      await answer(
        "const bytes = new TextEncoder().encode('héllo ✓'); ({ body: [bytes.length, new TextDecoder().decode(bytes), new TextEncoder().encoding] })",
      ),
    ).toBe('[10,"héllo ✓","utf-8"]');
  });

  it('replace invalid bytes, or throw when fatal', async () => {
    expect(
      await answer(
        "let fatal; try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { fatal = e.name; } ({ body: [new TextDecoder().decode(new Uint8Array([0x61, 0xff])), fatal] })",
      ),
    ).toBe('["a�","TypeError"]');
  });

  it('refuse encodings other than UTF-8', async () => {
    expect(
      await answer("try { new TextDecoder('latin1'); ({ body: 'no' }) } catch (e) { ({ body: e.name }) }"),
    ).toBe('RangeError');
  });
});

describe('atob and btoa', () => {
  it('encode and decode base64', async () => {
    expect(
      await answer("({ body: [btoa('hello'), atob('aGVsbG8='), atob(' aGVs bG8 '), btoa('\\xff')] })"),
    ).toBe('["aGVsbG8=","hello","hello","/w=="]');
  });

  it('throw for text that is not base64 or not Latin-1', async () => {
    expect(
      await answer(
        "const names = []; for (const f of [() => atob('a'), () => atob('@@@@'), () => btoa('✓')]) { try { f(); } catch (e) { names.push(e.name); } } ({ body: names })",
      ),
    ).toBe('["InvalidCharacterError","InvalidCharacterError","InvalidCharacterError"]');
  });
});

describe('console', () => {
  it('captures every level with its arguments', async () => {
    const execution = await sandbox.run(
      scriptRun(
        "console.log('a', 1, { b: true }); console.info('i'); console.warn('w'); console.error(new Error('e')); null",
      ),
    );
    expect(execution.console).toEqual([
      { level: 'log', message: 'a 1 {"b":true}' },
      { level: 'info', message: 'i' },
      { level: 'warn', message: 'w' },
      { level: 'error', message: 'Error: e' },
    ]);
  });

  it('keeps the lines of a failed execution', async () => {
    const execution = await sandbox.run(scriptRun("console.log('before'); throw new Error('x')"));
    expect(execution.outcome).toBe('error');
    expect(execution.console).toEqual([{ level: 'log', message: 'before' }]);
  });

  it('caps the number of lines and the length of a line', async () => {
    const execution = await sandbox.run(
      scriptRun("console.log('x'.repeat(5000)); for (let i = 0; i < 500; i++) console.log(String(i)); null"),
    );
    expect(execution.console[0]?.message).toBe(`${'x'.repeat(2000)}…`);
    expect(execution.console.length).toBe(101);
    expect(execution.console.at(-1)).toEqual({ level: 'warn', message: '[console output truncated]' });
  });

  it('caps the total characters kept', async () => {
    const execution = await sandbox.run(
      scriptRun("for (let i = 0; i < 50; i++) console.log('y'.repeat(1999)); null"),
    );
    const total = execution.console.reduce((sum, line) => sum + line.message.length, 0);
    expect(total).toBeLessThanOrEqual(16 * 1024 + 100);
    expect(execution.console.at(-1)?.message).toBe('[console output truncated]');
  });
});

describe('Deno.core', () => {
  it('encodes and decodes UTF-8 as Secutils scripts expect', async () => {
    expect(
      await answer(
        "const b = Deno.core.encode('ü'); ({ body: [b instanceof Uint8Array, b.length, Deno.core.decode(b)] })",
      ),
    ).toBe('[true,2,"ü"]');
  });
});

describe('crypto', () => {
  it.each([
    // RFC 4231 test case 1 and 2; RFC 2202 test case 2 for SHA-1.
    [
      'sha256',
      'new Uint8Array(20).fill(0x0b)',
      "'Hi There'",
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      'sha512',
      'new Uint8Array(20).fill(0x0b)',
      "'Hi There'",
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    ],
    [
      'sha256',
      "'Jefe'",
      "'what do ya want for nothing?'",
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      'sha512',
      "'Jefe'",
      "new TextEncoder().encode('what do ya want for nothing?')",
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
    ['sha1', "'Jefe'", "'what do ya want for nothing?'", 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  ])('computes HMAC-%s against the RFC vectors', async (algorithm, key, data, expected) => {
    expect(await answer(`${hex} ({ body: hex(crypto.hmac('${algorithm}', ${key}, ${data})) })`)).toBe(
      expected,
    );
  });

  it.each([
    ['sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'sha512',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
  ])('computes the %s digest of "abc" as FIPS 180 says', async (algorithm, expected) => {
    expect(await answer(`${hex} ({ body: hex(crypto.digest('${algorithm}', 'abc')) })`)).toBe(expected);
  });

  it('verifies a GitHub-style signature of the request body', async () => {
    const secret = "It's a Secret to Everybody";
    const payload = 'Hello, World!';
    const context = requestContext({
      body: new TextEncoder().encode(payload),
      headers: {
        'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      },
    });
    const script = `${hex}
      const expected = 'sha256=' + hex(crypto.hmac('sha256', ${JSON.stringify(secret)}, context.body));
      const ok = crypto.timingSafeEqual(expected, context.headers['x-hub-signature-256']);
      ({ statusCode: ok ? 200 : 401, body: String(ok) })`;
    expect(await answer(script, context)).toBe('true');
  });

  it('rejects an unknown algorithm with a TypeError', async () => {
    expect(
      await answer("try { crypto.digest('md5', 'x'); } catch (e) { ({ body: e.name + ': ' + e.message }) }"),
    ).toMatch(/^TypeError: Unsupported algorithm "md5"/);
  });

  it('compares in constant time, false for different lengths', async () => {
    expect(
      await answer(
        "({ body: [crypto.timingSafeEqual('abc', 'abc'), crypto.timingSafeEqual(new Uint8Array([1]), new Uint8Array([2])), crypto.timingSafeEqual('a', 'ab')] })",
      ),
    ).toBe('[true,false,false]');
  });

  it('makes random UUIDs and random values', async () => {
    const body = JSON.parse(
      await answer(
        'const a = new Uint8Array(32); const same = crypto.getRandomValues(a) === a; ({ body: [crypto.randomUUID(), crypto.randomUUID(), same, a.some((b) => b !== 0)] })',
      ),
    );
    expect(body[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body[0]).not.toBe(body[1]);
    expect(body.slice(2)).toEqual([true, true]);
  });
});

describe('Math.random', () => {
  it('starts from a different seed in every execution', async () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 20; i++) firsts.add(await answer('({ body: String(Math.random()) })'));
    expect(firsts.size).toBe(20);
  });

  it('gives numbers in [0, 1)', async () => {
    expect(
      await answer(
        'let ok = true; for (let i = 0; i < 10000; i++) { const r = Math.random(); ok = ok && r >= 0 && r < 1; } ({ body: String(ok) })',
      ),
    ).toBe('true');
  });
});

describe('the host', () => {
  it.each([
    ['process', 'typeof process'],
    ['require', 'typeof require'],
    ['fetch', 'typeof fetch'],
    ['the module loader', "typeof std === 'undefined' && typeof os === 'undefined' ? 'undefined' : 'leak'"],
  ])('does not expose %s', async (_name, expression) => {
    expect(await answer(`({ body: ${expression} })`)).toBe('undefined');
  });

  it('cannot be reached through constructors', async () => {
    expect(
      await answer(
        "try { ({ body: typeof Function('return process')() }) } catch (e) { ({ body: e.name }) }",
      ),
    ).toBe('ReferenceError');
  });

  it('refuses dynamic import', async () => {
    const execution = await sandbox.run(
      scriptRun("(async () => { await import('node:fs'); return { body: 'leak' }; })()"),
    );
    expect(execution.outcome).toBe('error');
  });

  it('keeps host errors free of host details', async () => {
    const body = await answer(
      "try { crypto.getRandomValues(new Uint8Array(70000)); ({ body: 'no error' }) } catch (e) { ({ body: [e.name, e.message, String(e.stack ?? '')] }) }",
    );
    const [name, message, stack] = JSON.parse(body) as string[];
    expect([name, message]).toEqual(['RangeError', 'getRandomValues fills at most 65536 bytes at a time']);
    expect(stack).toMatch(/script\.js:1:/);
    expect(stack).not.toMatch(/node_modules|\/work\/|file:|\.ts\b/);
  });
});

describe('the script API globals', () => {
  it('can be read, replaced and deleted like ordinary globals', async () => {
    expect(
      await answer(
        "const before = [typeof console.log, typeof TextEncoder, 'crypto' in globalThis]; crypto = 1; delete globalThis.btoa; ({ body: [...before, crypto, typeof btoa] })",
      ),
    ).toBe('["function","function",true,1,"undefined"]');
  });
});

describe('text with NUL characters and lone surrogates', () => {
  it('crosses between the script and the host intact', async () => {
    const execution = await sandbox.run(
      scriptRun(
        "const s = 'a\\u0000b'; const round = new TextDecoder().decode(new TextEncoder().encode(s)); console.log(s); ({ body: [round === s, atob(btoa(s)) === s, Deno.core.decode(Deno.core.encode(s)) === s, crypto.digest('sha1', s).length].join() + s })",
      ),
    );
    expect(text(execution.body)).toBe('true,true,true,20a\u0000b');
    expect(execution.console).toEqual([{ level: 'log', message: 'a\u0000b' }]);
  });

  it('stays intact when the script puts accessors on Object.prototype', async () => {
    const execution = await sandbox.run(
      scriptRun(
        "for (const k of ['j', '0', '1', '2']) Object.defineProperty(Object.prototype, k, { get() { return 'x'; }, set() {} }); const s = 'a\\u0000b\u00e9'; ({ headers: { 'x-k': 'v' }, body: [Deno.core.decode(Deno.core.encode(s)) === s, atob(btoa('\\u0000\u00ff')) === '\\u0000\u00ff'].join() })",
      ),
    );
    expect(execution.outcome).toBe('ok');
    expect(execution.headers).toEqual([['x-k', 'v']]);
    expect(text(execution.body)).toBe('true,true');
  });

  it('sends a binary body decoded with atob byte for byte', async () => {
    const execution = await sandbox.run(
      scriptRun(
        "({ body: Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0)) })",
      ),
    );
    expect(Buffer.from(execution.body).toString('base64')).toBe(
      'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
    );
  });

  it('encodes a lone surrogate in a text body as U+FFFD', async () => {
    const execution = await sandbox.run(scriptRun("({ body: 'x\\ud800' })"));
    expect([...execution.body]).toEqual([0x78, 0xef, 0xbf, 0xbd]);
  });

  it('keeps a NUL in an error message', async () => {
    const execution = await sandbox.run(scriptRun("throw new Error('a\\u0000b')"));
    expect(text(execution.body)).toBe('Script error: a\u0000b');
  });
});
