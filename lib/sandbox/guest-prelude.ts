// The JavaScript installed in every fresh QuickJS context before the user's script runs (docs/contract.md §3 script API).
//
// The core is a function expression the host calls once with its single host function.
// Every built-in the host's protocol relies on is captured here, before user code runs, so a script that
// replaces `JSON.stringify`, `Object.prototype.toJSON` or `Promise.prototype.then` can only change its own
// output. The core returns the host's entry points; none of them is reachable from the script's globals.
//
// Compiling JavaScript is the largest cost of a fresh context (about 0.2 ms per KB here), so the core is
// small and the script API (console, TextEncoder/TextDecoder, atob/btoa, Deno, crypto) is compiled on first
// use: each of those globals starts as an accessor that asks the host for its chunk, runs it with the
// captured intrinsics and replaces itself with the result.
//
// Host operations (`host(op, ...args)`): binary arguments go as a string (UTF-8) or an exact ArrayBuffer
// copy, binary results come back as an ArrayBuffer. quickjs-emscripten moves strings as C strings, which would
// cut them at the first NUL: text goes to the host as JSON (`I.stringify`), and comes back as it is when it
// has no NUL, else as JSON (`I.text`).
import { scriptResultBodyMaxBytes } from '../limits.ts';

/** The script API, compiled on first use (text and Deno with the core). Each chunk returns the globals it defines. */
export const guestChunks: Record<string, string> = {
  console: `(function (I) {
'use strict';
const show = (v) => {
  if (typeof v === 'string') return v;
  try {
    if (v !== null && typeof v === 'object') {
      if (v instanceof I.Error) return I.S(v.name) + ': ' + I.S(v.message);
      const text = I.stringify(v);
      if (typeof text === 'string') return text;
    }
    if (typeof v === 'function') return '[Function ' + (v.name || 'anonymous') + ']';
    return I.S(v);
  } catch { return I.apply(I.toStr, v, []); }
};
const console = {};
const make = (level) => function (...args) {
  let line = '';
  for (let i = 0; i < args.length; i++) line += (i > 0 ? ' ' : '') + show(args[i]);
  I.host('log', level, I.stringify(line));
};
const methods = { log: 'log', info: 'info', warn: 'warn', error: 'error', debug: 'log', trace: 'log' };
const names = I.keys(methods);
for (let i = 0; i < names.length; i++) I.dp(console, names[i], { value: make(methods[names[i]]), writable: true, configurable: true });
return { __proto__: null, console };
})`,
  text: `(function (I) {
'use strict';
const labels = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return new I.U8(I.host('encode', I.stringify(I.S(input)))); }
}
class TextDecoder {
  #fatal; #ignoreBOM;
  constructor(label = 'utf-8', options = {}) {
    if (I.apply(I.indexOf, labels, [I.S(label).trim().toLowerCase()]) < 0) {
      throw new I.RangeError('The encoding "' + I.S(label) + '" is not supported (only UTF-8)');
    }
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input) {
    if (input === undefined) return '';
    const bytes = I.bytesOf(input);
    if (bytes === null) throw new I.TypeError('The input must be an ArrayBuffer or an ArrayBufferView');
    return I.text(I.host('decode', bytes, this.#fatal ? 1 : 0, this.#ignoreBOM ? 1 : 0));
  }
}
return { __proto__: null, TextEncoder, TextDecoder };
})`,
  base64: `(function (I) {
'use strict';
function atob(data) {
  if (arguments.length === 0) throw new I.TypeError('atob needs 1 argument');
  return I.text(I.host('atob', I.stringify(I.S(data))));
}
function btoa(data) {
  if (arguments.length === 0) throw new I.TypeError('btoa needs 1 argument');
  return I.host('btoa', I.stringify(I.S(data)));
}
return { __proto__: null, atob, btoa };
})`,
  Deno: `(function (I) {
'use strict';
const core = {
  encode(text) { return new I.U8(I.host('encode', I.stringify(I.S(text)))); },
  decode(bytes) {
    const copy = I.bytesOf(bytes);
    if (copy === null) throw new I.TypeError('Deno.core.decode needs a Uint8Array');
    return I.text(I.host('decode', copy, 0, 0));
  },
  byteLength(text) { return I.host('byteLength', I.stringify(I.S(text))); },
  // Each byte as one UTF-16 unit (Latin-1), as Deno does; in slices, since a call takes a bounded argument list.
  encodeBinaryString(bytes) {
    const copy = I.bytesOf(bytes);
    if (copy === null) throw new I.TypeError('Deno.core.encodeBinaryString needs a Uint8Array');
    const n = I.apply(I.abLen, copy, []);
    let s = '';
    for (let i = 0; i < n; i += 4096) s += I.apply(I.fromCharCode, undefined, new I.U8(copy, i, n - i < 4096 ? n - i : 4096));
    return s;
  },
  // Deno writes to stdout, or stderr when isErr; here a console line (log or error) without its final newline.
  print(message, isErr) {
    let line = I.S(message);
    if (line.length > 0 && line[line.length - 1] === '\\n') line = I.apply(I.strSlice, line, [0, -1]);
    I.host('log', isErr ? 'error' : 'log', I.stringify(line));
  },
  ops: { op_proxy_request: async (options) => proxyRequest(options) },
};
// docs/contract.md §13: the options as Secutils takes them; the host checks URL, method and header names and sends the call.
const proxyRequest = async (o) => {
  if (o === null || typeof o !== 'object') throw new I.TypeError('op_proxy_request needs an object with a url');
  if (typeof o.url !== 'string') throw new I.Error('Invalid URL: url must be a string');
  const headers = {};
  const h = o.headers;
  if (h !== undefined && h !== null) {
    if (typeof h !== 'object') throw new I.Error('Invalid header name: headers must be an object of name to string');
    const names = I.keys(h);
    for (let i = 0; i < names.length; i++) {
      const v = h[names[i]];
      headers[names[i]] = I.S(I.isArray(v) ? v[v.length - 1] : v);
    }
  }
  const b = o.body;
  let body;
  if (typeof b === 'string') body = I.stringify(b);
  else if (b !== undefined && b !== null) {
    body = I.bytesOf(b);
    if (body === null && I.isArray(b)) {
      // context.body as Secutils documents it (number[]), as a forwarder passes it on.
      const out = new I.U8(b.length);
      for (let i = 0; i < b.length; i++) { const v = b[i]; if (typeof v !== 'number' || !I.isInt(v) || v < 0 || v > 255) throw new I.TypeError('body must be bytes (0..255) when an array'); out[i] = v; }
      body = I.apply(I.taBuf, out, []);
    }
    if (body === null) throw new I.TypeError('body must be a string, a Uint8Array, an ArrayBuffer or an array of bytes');
  }
  const timeout = o.timeout;
  if (timeout !== undefined && timeout !== null && !(typeof timeout === 'number' && timeout >= 0)) throw new I.TypeError('timeout must be a number of milliseconds');
  const call = { url: o.url, method: o.method === undefined ? 'GET' : I.S(o.method), headers,
    insecure: !!o.insecure, decompress: o.decompress === undefined ? true : !!o.decompress };
  if (typeof timeout === 'number') call.timeoutMs = timeout;
  const r = await I.host('proxy', I.stringify(call), body);
  return { statusCode: r[0], headers: I.parse(r[1]), body: I.asBody(new I.U8(r[2])) };
};
return { __proto__: null, Deno: { core } };
})`,
  crypto: `(function (I) {
'use strict';
const bytes = (v, what) => {
  if (typeof v === 'string') return I.stringify(v);
  const copy = I.bytesOf(v);
  if (copy === null) throw new I.TypeError(what + ' must be a string, a Uint8Array or an ArrayBuffer');
  return copy;
};
const algorithm = (name) => {
  const n = I.S(name).toLowerCase().replace('-', '');
  if (n !== 'sha1' && n !== 'sha256' && n !== 'sha512') {
    throw new I.TypeError('Unsupported algorithm "' + I.S(name) + '" (use sha1, sha256 or sha512)');
  }
  return n;
};
const crypto = {
  hmac(alg, key, data) { return new I.U8(I.host('hmac', algorithm(alg), bytes(key, 'key'), bytes(data, 'data'))); },
  digest(alg, data) { return new I.U8(I.host('digest', algorithm(alg), bytes(data, 'data'))); },
  timingSafeEqual(a, b) {
    const left = new I.U8(typeof a === 'string' ? I.host('encode', I.stringify(a)) : bytes(a, 'a'));
    const right = new I.U8(typeof b === 'string' ? I.host('encode', I.stringify(b)) : bytes(b, 'b'));
    if (left.length !== right.length) return false;
    let diff = 0;
    for (let i = 0; i < left.length; i++) diff |= left[i] ^ right[i];
    return diff === 0;
  },
  randomUUID() { return I.host('uuid'); },
  getRandomValues(array) {
    const tag = array !== null && typeof array === 'object' && I.isView(array) ? I.apply(I.taTag, array, []) : undefined;
    if (tag === undefined || tag === 'Float32Array' || tag === 'Float64Array') {
      throw new I.TypeError('getRandomValues needs an integer typed array');
    }
    const p = I.parts(array);
    if (p[2] > 65536) throw new I.RangeError('getRandomValues fills at most 65536 bytes at a time');
    I.apply(I.taSet, new I.U8(p[0], p[1], p[2]), [new I.U8(I.host('random', p[2]))]);
    return array;
  },
};
return { __proto__: null, crypto };
})`,
};

/** Globals of the script API that are installed on first use. */
export const lazyGlobals = ['console', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'Deno', 'crypto'];

export const guestCore = `(function (host) {
'use strict';
const O = Object, gopd = O.getOwnPropertyDescriptor, gpo = O.getPrototypeOf, dp = O.defineProperty;
const U8 = Uint8Array, AB = ArrayBuffer, TA = gpo(U8.prototype), DV = DataView.prototype;
const getter = (o, k) => gopd(o, k).get;
const I = { __proto__: null, G: globalThis, host, dp, keys: O.keys, isArray: Array.isArray,
  stringify: JSON.stringify, parse: JSON.parse, apply: Reflect.apply, S: String, isInt: Number.isInteger,
  U8, isView: AB.isView, abSlice: AB.prototype.slice, abLen: getter(AB.prototype, 'byteLength'),
  taBuf: getter(TA, 'buffer'), taOff: getter(TA, 'byteOffset'), taLen: getter(TA, 'byteLength'),
  taTag: getter(TA, Symbol.toStringTag), taSet: TA.set, dvBuf: getter(DV, 'buffer'),
  dvOff: getter(DV, 'byteOffset'), dvLen: getter(DV, 'byteLength'), TypeError, RangeError, Error,
  toStr: O.prototype.toString, indexOf: Array.prototype.indexOf, strIndexOf: String.prototype.indexOf,
  wellFormed: String.prototype.isWellFormed, strSlice: String.prototype.slice, fromCharCode: String.fromCharCode };
const apply = I.apply;
// The errors QuickJS raises itself for its limits (its parsers report stack overflow as a SyntaxError).
I.limitProtos = [InternalError.prototype, SyntaxError.prototype, RangeError.prototype];
I.gpo = gpo;
I.parts = (v) => apply(I.taTag, v, []) !== undefined
  ? [apply(I.taBuf, v, []), apply(I.taOff, v, []), apply(I.taLen, v, [])]
  : [apply(I.dvBuf, v, []), apply(I.dvOff, v, []), apply(I.dvLen, v, [])];
// Text from the host: a string as it is, or JSON in an own property \`j\` when it holds a NUL (C strings end there).
I.text = (r) => typeof r === 'string' ? r : I.parse(r.j);
// An exact copy of the bytes of a view or an ArrayBuffer, or null for anything else.
I.bytesOf = (v) => {
  if (v === null || typeof v !== 'object') return null;
  if (I.isView(v)) { const p = I.parts(v); return apply(I.abSlice, p[0], [p[1], p[1] + p[2]]); }
  try { apply(I.abLen, v, []); } catch { return null; }
  return apply(I.abSlice, v, [0]);
};
// Math.random: QuickJS seeds it from the clock; here 53 bits a number from the execution's random stream
// (docs/contract.md §9: the host's ChaCha20 keystream of the execution's seed), fetched 8 numbers at a time (a larger batch costs more than the calls it saves).
let pool = null, at = 0;
dp(Math, 'random', { value: function random() {
  if (pool === null || at === 64) { pool = new U8(host('random', 64)); at = 0; }
  const p = pool, i = at;
  at += 8;
  return ((((p[i] & 31) * 65536 + p[i + 1] * 256 + p[i + 2]) * 4294967296) + p[i + 3] * 16777216 + (p[i + 4] << 16 | p[i + 5] << 8 | p[i + 6])) / 9007199254740992;
}, writable: true, configurable: true });
// The clock (docs/contract.md §9): Date.now() and new Date() read the execution's start time, frozen for the execution,
// so the same seed and start time give the same answer; new Date(x) and the rest of Date are QuickJS's own.
let now = 0;
const RealDate = Date, construct = Reflect.construct, dateToString = RealDate.prototype.toString;
const FrozenDate = function Date(...args) {
  if (new.target === undefined) return apply(dateToString, construct(RealDate, [now], RealDate), []);
  return construct(RealDate, args.length === 0 ? [now] : args, new.target);
};
dp(FrozenDate, 'length', { value: 7, configurable: true });
dp(FrozenDate, 'prototype', { value: RealDate.prototype, writable: false });
dp(RealDate.prototype, 'constructor', { value: FrozenDate, writable: true, configurable: true });
dp(FrozenDate, 'now', { value: { now() { return now; } }.now, writable: true, configurable: true });
dp(FrozenDate, 'parse', { value: RealDate.parse, writable: true, configurable: true });
dp(FrozenDate, 'UTC', { value: RealDate.UTC, writable: true, configurable: true });
dp(I.G, 'Date', { value: FrozenDate, writable: true, configurable: true });
// TextEncoder/TextDecoder and Deno.core are what most scripts use: compiled with the core, while idle.
const text = ${guestChunks.text};
const eager = { __proto__: null, TextEncoder: text, TextDecoder: text, Deno: ${guestChunks.Deno} };
const lazy = ${JSON.stringify(lazyGlobals)};
const own = (name, value) => dp(I.G, name, { value, writable: true, configurable: true });
for (let i = 0; i < lazy.length; i++) {
  const name = lazy[i];
  dp(I.G, name, { configurable: true,
    get() { const made = apply(eager[name] || host('load', name), undefined, [I]); const k = I.keys(made); for (let j = 0; j < k.length; j++) own(k[j], made[k[j]]); return made[name]; },
    set(value) { own(name, value); } });
}
// Secutils' body is a number[]: JSON gives the array of numbers, made only when asked for (a large body stays
// bytes otherwise). Array.prototype.slice on a non-array makes a plain Array without calling any setter.
const arraySlice = Array.prototype.slice;
const bodyJSON = { value: function toJSON() { return apply(arraySlice, this, []); }, writable: true, configurable: true };
// Bytes as a script receives them (context.body, an upstream's answer): a Uint8Array whose JSON is number[].
I.asBody = (bytes) => { dp(bytes, 'toJSON', bodyJSON); return bytes; };
// Also sets the clock and empties Math.random's numbers: the host starts every execution from a snapshot of
// this context. json: [start time in ms, the context without its body, the secrets]. The secrets are not
// enumerable, so an echo of the context (JSON.stringify(context), Object.keys) never carries one (docs/contract.md §3, §12).
const setContext = (json, body) => { const c = I.parse(json); now = c[0]; pool = null; at = 0; const o = c[1]; o.body = I.asBody(new U8(body)); dp(o, 'secrets', { value: c[2], writable: true, configurable: true }); own('context', o); };
const a = (v) => v === null ? 'null' : I.isArray(v) ? 'an array' : (typeof v === 'object' || typeof v === 'undefined' ? 'an ' : 'a ') + typeof v;
const invalid = (reason) => ['invalid', reason];
const max = ${scriptResultBodyMaxBytes};
// A string the host can read as a C string and get back exactly: no NUL, no lone surrogate.
const plain = (s) => apply(I.strIndexOf, s, ['\0']) < 0 && apply(I.wellFormed, s, []);
// Built by concatenation, not by JSON.stringify of an object: nothing here goes through the script's prototypes.
// The head is everything but the body's kind: \`head + kind + '"}'\`.
const head = (status, headers, flags) => '{"s":' + (status === undefined ? 'null' : status - status === 0 ? I.S(status) : I.stringify(I.S(status))) + ',"h":' + (headers === null ? 'null' : headers) + flags + ',"b":"';
const meta = (m, kind) => m + kind + '"}';
// A string of more UTF-16 units than the cap has more UTF-8 bytes too: refuse before copying it. JSON text is
// plain already (JSON.stringify escapes NUL and lone surrogates), so only other strings are scanned.
const textBody = (m, s, isJson) => s.length > max ? tooLong() : isJson || plain(s) ? ['ok', meta(m, 'raw'), s] : ['ok', meta(m, 'text'), I.stringify(s)];
const tooLong = () => invalid('the body is larger than ' + max + ' bytes');
// The result as ['ok', meta, body], ['invalid', reason] or ['json-error', error]; checked on the host.
const finish = (r) => {
  if (r === undefined || r === null) return ['ok', '{"s":null,"h":null,"b":"none"}'];
  if (typeof r !== 'object') return invalid('expected an object with statusCode, headers and body, got ' + a(r));
  let status = r.statusCode;
  if (status === null) status = undefined;
  if (status !== undefined && typeof status !== 'number') return invalid('statusCode must be a number, got ' + a(status));
  const h = r.headers;
  let headers = null;
  if (h !== undefined && h !== null) {
    if (typeof h !== 'object' || I.isArray(h) || I.isView(h)) return invalid('headers must be an object of name to string, got ' + a(h));
    const names = I.keys(h);
    let list = '';
    for (let i = 0; i < names.length; i++) {
      let v = h[names[i]];
      // An array keeps its last element, as Secutils does.
      if (I.isArray(v)) {
        const n = v.length;
        if (n === 0) return invalid('header ' + I.stringify(names[i]) + ' is an empty array');
        let last;
        for (let j = 0; j < n; j++) {
          last = v[j];
          if (typeof last !== 'string') return invalid('header ' + I.stringify(names[i]) + ' must be a string or an array of strings, got an array holding ' + a(last));
        }
        v = last;
      }
      if (typeof v !== 'string') return invalid('header ' + I.stringify(names[i]) + ' must be a string, got ' + a(v));
      list += (i > 0 ? ',' : '') + I.stringify(names[i]) + ',' + I.stringify(v);
    }
    headers = '[' + list + ']';
  }
  const skip = r.skipRequest, track = r.trackResponse;
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') return invalid('skipRequest must be a boolean, got ' + a(skip));
  if (track !== undefined && track !== null && typeof track !== 'boolean') return invalid('trackResponse must be a boolean, got ' + a(track));
  const m = head(status, headers, (skip === true ? ',"k":true' : '') + (track === false ? ',"t":false' : ''));
  const b = r.body;
  if (b === undefined || b === null) return ['ok', meta(m, 'none')];
  if (typeof b === 'string') return textBody(m, b, false);
  const bytes = I.bytesOf(b);
  if (bytes !== null) return apply(I.abLen, bytes, []) > max ? tooLong() : ['ok', meta(m, 'bytes'), bytes];
  if (I.isArray(b)) {
    const n = b.length;
    let all = n <= max;
    for (let i = 0; all && i < n; i++) { const v = b[i]; all = typeof v === 'number' && I.isInt(v) && v >= 0 && v <= 255; }
    if (all) { const out = new U8(n); for (let i = 0; i < n; i++) out[i] = b[i]; return ['ok', meta(m, 'bytes'), apply(I.taBuf, out, [])]; }
  }
  if (typeof b === 'function' || typeof b === 'symbol' || typeof b === 'bigint') return invalid('the body is ' + a(b) + ', which has no JSON form');
  let json;
  try { json = I.stringify(b); } catch (e) {
    // Which error it was (a limit, or what to say) the host finds out with the faults chunk.
    return ['json-error', e];
  }
  if (typeof json !== 'string') return invalid('the body has no JSON form');
  return textBody(m, json, true);
};
// The script's value, awaited, as finish makes it; ['threw', error] when reading it threw.
const done = async (v) => { const r = await v; try { return finish(r); } catch (e) { return ['threw', e]; } };
// One call for a compiled script: its context, its run and its result.
const runScript = (json, body, run) => { setContext(json, body); return done(run()); };
return O.freeze([runScript, setContext, done, I]);
})`;

/** What the host needs only when a script failed: what to say about an error, and whether it was a limit. */
export const guestFaults = `(function (I) {
'use strict';
const describe = (e) => {
  if (e !== null && typeof e === 'object') {
    let n, m;
    try { n = e.name; m = e.message; } catch { return '[unreadable error]'; }
    if (typeof m === 'string' && m !== '') return m;
    if (typeof n === 'string' && n !== '') return n;
  }
  try { return I.S(e); } catch { return I.apply(I.toStr, e, []); }
};
const errorKind = (e) => {
  if (e === null || typeof e !== 'object') return '';
  try {
    if (I.apply(I.indexOf, I.limitProtos, [I.gpo(e)]) < 0) return '';
    const m = e.message;
    return m === 'out of memory' ? 'memory' : m === 'stack overflow' ? 'stack' : '';
  } catch { return ''; }
};
return [(e) => I.stringify(describe(e)), errorKind];
})`;

/** Which chunk defines each lazily installed global. */
export const chunkOfGlobal: Record<string, string> = {
  console: 'console',
  TextEncoder: 'text',
  TextDecoder: 'text',
  atob: 'base64',
  btoa: 'base64',
  Deno: 'Deno',
  crypto: 'crypto',
};
