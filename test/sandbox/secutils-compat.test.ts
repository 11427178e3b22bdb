// Scripts in the styles Secutils publishes (context echo, Basic auth, transform, health check), and each
// point where docs/contract.md §3 asks for Secutils' exact behaviour: the context's bytes, the body as number[], the
// Deno.core helpers, header arrays, skipRequest and trackResponse.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, type ScriptContext } from '../../lib/sandbox/index.ts';
import { defaults, requestContext, scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.close());

const encoder = new TextEncoder();
const echo = '(async () => ({ body: JSON.stringify(context) }))();';

async function run(script: string, context: ScriptContext = requestContext()) {
  return sandbox.run(scriptRun(script, { context }));
}

async function answer(script: string, context?: ScriptContext): Promise<string> {
  const execution = await run(script, context);
  expect(execution.outcome, text(execution.body)).toBe('ok');
  return text(execution.body);
}

describe('a context echo', () => {
  it("gives Secutils' bytes for a request with a query, a caller address and a body", async () => {
    const context = requestContext({ body: encoder.encode('hi') });
    expect(await answer(echo, context)).toBe(
      '{"clientAddress":"203.0.113.7:51234","method":"POST",' +
        '"headers":{"content-type":"application/json","x-hub-signature-256":"sha256=00"},' +
        '"path":"/github/push","rawQuery":"name=ada&name=grace&lang=js",' +
        '"query":{"name":"grace","lang":"js"},"body":[104,105]}',
    );
  });

  it('leaves rawQuery and clientAddress out, not empty, when the request has neither', async () => {
    const context: ScriptContext = {
      method: 'GET',
      headers: {},
      path: '/',
      query: {},
      body: new Uint8Array(),
    };
    expect(await answer(echo, context)).toBe('{"method":"GET","headers":{},"path":"/","query":{},"body":[]}');
  });

  it("keeps Secutils' key order whatever order the host built the context in", async () => {
    const context = {
      body: encoder.encode('x'),
      query: {},
      rawQuery: 'a',
      path: '/p',
      headers: {},
      method: 'PUT',
      clientAddress: '192.0.2.1',
    };
    expect(await answer(echo, context)).toBe(
      '{"clientAddress":"192.0.2.1","method":"PUT","headers":{},"path":"/p","rawQuery":"a","query":{},"body":[120]}',
    );
  });
});

describe('context.body', () => {
  const hi = requestContext({ body: encoder.encode('hi') });

  it('reads as bytes, copies into a Uint8Array and decodes', async () => {
    const script =
      '({ body: [context.body.length, context.body[1], new Uint8Array(context.body).length, Deno.core.decode(new Uint8Array(context.body)), JSON.stringify(context.body)] })';
    expect(JSON.parse(await answer(script, hi))).toEqual([2, 105, 2, 'hi', '[104,105]']);
  });

  it('is not an Array (documented difference) and lists no extra key', async () => {
    const script =
      'const keys = []; for (const k in context.body) keys.push(k); ({ body: [Array.isArray(context.body), Object.keys(context.body), keys, Object.keys(context)] })';
    expect(JSON.parse(await answer(script, hi))).toEqual([
      false,
      ['0', '1'],
      ['0', '1'],
      ['clientAddress', 'method', 'headers', 'path', 'rawQuery', 'query', 'body'],
    ]);
  });

  it('shows bytes the script changed', async () => {
    expect(await answer('context.body[0] = 72; ({ body: JSON.stringify(context.body) })', hi)).toBe(
      '[72,105]',
    );
  });

  it('costs no array of numbers for a large body unless the script makes one', async () => {
    const large = requestContext({ body: new Uint8Array(4 * 1024 * 1024).fill(7) });
    const limits = { memoryBytes: 10 * 1024 * 1024 };
    const read = await sandbox.run(
      scriptRun('({ body: String(context.body.length + context.body[5]) })', { context: large, limits }),
    );
    expect([read.outcome, text(read.body)]).toEqual(['ok', String(4 * 1024 * 1024 + 7)]);
    // Eight-byte values at least for 4 Mi elements: more than the 10 MiB the script is given.
    const asked = await sandbox.run(
      scriptRun('({ body: String(JSON.stringify(context.body).length) })', { context: large, limits }),
    );
    expect(asked.outcome).toBe('memory');
  });

  it('serialises from built-ins captured before the script ran', async () => {
    const script = `
      Array.prototype.slice = () => ['slice'];
      Reflect.apply = () => ['apply'];
      Array.from = () => ['from'];
      String.fromCharCode = () => 'fromCharCode';
      ({ body: JSON.stringify(context) + Deno.core.encodeBinaryString(new Uint8Array([111, 107])) })`;
    const context: ScriptContext = {
      method: 'GET',
      headers: {},
      path: '/',
      query: {},
      body: encoder.encode('hi'),
    };
    expect(await answer(script, context)).toBe(
      '{"method":"GET","headers":{},"path":"/","query":{},"body":[104,105]}ok',
    );
  });

  it("never shows one execution's body to the next", async () => {
    const first = await run(
      "globalThis.kept = context.body; Uint8Array.prototype.toJSON = function () { return 'leak'; }; Object.prototype.kept = context.body; ({ body: 'x' })",
      requestContext({ body: encoder.encode('secret') }),
    );
    expect(first.outcome).toBe('ok');
    const second = await answer(
      "({ body: [typeof kept, ({}).kept === undefined, JSON.stringify(context.body), JSON.stringify(new Uint8Array([1]))].join(' ') })",
      requestContext({ body: encoder.encode('b') }),
    );
    expect(second).toBe('undefined true [98] {"0":1}');
  });
});

describe('Deno.core', () => {
  it('byteLength counts UTF-8 bytes, a lone surrogate as its replacement character', async () => {
    const sample = 'héllo € 😀';
    const script = `({ body: [Deno.core.byteLength(${JSON.stringify(sample)}), Deno.core.byteLength(''), Deno.core.byteLength('\\ud800'), Deno.core.byteLength(12345)].join() })`;
    expect(await answer(script)).toBe(`${Buffer.byteLength(sample)},0,3,5`);
  });

  it('encodeBinaryString makes one character per byte, as Deno does', async () => {
    const script =
      'const s = Deno.core.encodeBinaryString(new Uint8Array([0, 104, 128, 255])); ({ body: [s.length, s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2), s.charCodeAt(3)].join() })';
    expect(await answer(script)).toBe('4,0,104,128,255');
  });

  it('encodeBinaryString keeps every byte of a large array', async () => {
    const script =
      'const u8 = new Uint8Array(100000); for (let i = 0; i < u8.length; i++) u8[i] = i % 251; const s = Deno.core.encodeBinaryString(u8); let same = s.length === u8.length; for (let i = 0; same && i < u8.length; i++) same = s.charCodeAt(i) === u8[i]; ({ body: String(same) })';
    expect(await answer(script)).toBe('true');
  });

  it('encodeBinaryString refuses what is not bytes', async () => {
    const execution = await run("Deno.core.encodeBinaryString('text')");
    expect([execution.outcome, text(execution.body)]).toEqual([
      'error',
      'Script error: Deno.core.encodeBinaryString needs a Uint8Array',
    ]);
  });

  it('print writes to the captured console, as an error when isErr is true', async () => {
    const execution = await run(
      "Deno.core.print('hello\\n'); Deno.core.print('oops\\n', true); Deno.core.print(42); ({ body: 'x' })",
    );
    expect(execution.console).toEqual([
      { level: 'log', message: 'hello' },
      { level: 'error', message: 'oops' },
      { level: 'log', message: '42' },
    ]);
  });
});

describe('the result', () => {
  it('keeps the last element of a header given as an array, as Secutils does', async () => {
    const execution = await run("({ headers: { 'x-one': ['1', '2'], 'x-two': 'b' }, body: 'x' })");
    expect(execution.headers).toEqual([
      ['x-one', '2'],
      ['x-two', 'b'],
    ]);
  });

  it.each([
    ['an empty array', "({ headers: { 'x-a': [] } })", 'header "x-a" is an empty array'],
    [
      'an array holding a number',
      "({ headers: { 'x-a': ['1', 2] } })",
      'header "x-a" must be a string or an array of strings, got an array holding a number',
    ],
    ['a non-boolean skipRequest', "({ skipRequest: 'yes' })", 'skipRequest must be a boolean, got a string'],
    [
      'a non-boolean trackResponse',
      '({ trackResponse: 0 })',
      'trackResponse must be a boolean, got a number',
    ],
  ])('refuses %s as invalid', async (_name, script, reason) => {
    const execution = await run(script);
    expect([execution.outcome, text(execution.body)]).toEqual([
      'invalid',
      `Script returned an invalid result: ${reason}`,
    ]);
  });

  it('sends an array of integers 0..255 as bytes and any other array as JSON', async () => {
    expect(await answer('({ body: [104, 105] })')).toBe('hi');
    expect(await answer('({ body: [1, 256] })')).toBe('[1,256]');
    expect(await answer('({ body: [1, -1] })')).toBe('[1,-1]');
  });

  it('carries skipRequest and trackResponse to the host, and neither by default', async () => {
    const flagged = await run('({ statusCode: 200, body: "ok", skipRequest: true, trackResponse: false })');
    expect([flagged.outcome, flagged.skipRequest, flagged.trackResponse]).toEqual(['ok', true, false]);
    const keepsDefaults = await run('({ skipRequest: true })');
    expect([keepsDefaults.statusCode, text(keepsDefaults.body), keepsDefaults.skipRequest]).toEqual([
      defaults.statusCode,
      text(defaults.body),
      true,
    ]);
    const plain = await run('({ body: "ok", skipRequest: false, trackResponse: true })');
    expect('skipRequest' in plain || 'trackResponse' in plain).toBe(false);
  });
});

describe('scripts in the published styles', () => {
  const basicAuth = `(async () => {
    const expected = 'Basic ' + btoa('admin:s3cret');
    if (context.headers.authorization !== expected) {
      return { statusCode: 401, headers: { 'WWW-Authenticate': 'Basic realm="responder"' }, body: 'Unauthorized' };
    }
    return { statusCode: 200, body: 'Welcome' };
  })();`;

  it('Basic auth: 401 with WWW-Authenticate without the right credentials, 200 with them', async () => {
    const denied = await run(basicAuth, requestContext({ headers: { authorization: 'Basic bm9wZQ==' } }));
    expect([denied.statusCode, denied.headers, text(denied.body)]).toEqual([
      401,
      [['WWW-Authenticate', 'Basic realm="responder"']],
      'Unauthorized',
    ]);
    const granted = await run(
      basicAuth,
      requestContext({
        headers: { authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` },
      }),
    );
    expect([granted.statusCode, text(granted.body)]).toEqual([200, 'Welcome']);
  });

  it('a transform: decode, parse, answer JSON with Content-Length from byteLength', async () => {
    const transform = `(async () => {
      const input = JSON.parse(Deno.core.decode(new Uint8Array(context.body)));
      const body = JSON.stringify({ id: input.id, name: input.name.toUpperCase(), total: input.items.reduce((s, i) => s + i, 0) });
      return { statusCode: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': Deno.core.byteLength(body).toString() }, body };
    })();`;
    const execution = await run(
      transform,
      requestContext({ body: encoder.encode('{"id":7,"name":"zoë","items":[1,2,3]}') }),
    );
    expect(execution.statusCode).toBe(200);
    expect(execution.headers).toContainEqual(['Content-Type', 'application/json']);
    expect(text(execution.body)).toBe('{"id":7,"name":"ZOË","total":6}');
  });
});
