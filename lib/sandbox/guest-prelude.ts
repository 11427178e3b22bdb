// The JavaScript installed in every fresh QuickJS context before the user's script runs (SPEC §3 script API).
//
// It is a function expression the host calls once with its single host function and a random seed. Every
// built-in it relies on is captured here, before user code runs, so a script that replaces
// `JSON.stringify`, `Object.prototype.toJSON` or `Promise.prototype.then` can only change its own output,
// never the host's protocol. It returns the host's internal entry points; none of them is reachable from
// the script's global object.
//
// Host operations (`host(op, ...args)`): binary arguments arrive as a string (UTF-8) or an exact ArrayBuffer
// copy, binary results come back as an ArrayBuffer.
import { scriptResultBodyMaxBytes } from '../limits.ts';

export const guestPrelude = `(function (host, seed0, seed1, seed2, seed3) {
  'use strict';
  const G = globalThis;
  const ObjectKeys = Object.keys;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const freeze = Object.freeze;
  const objectToString = Object.prototype.toString;
  const isArray = Array.isArray;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const StringCtor = String;
  const NumberIsInteger = Number.isInteger;
  const U8 = Uint8Array;
  const AB = ArrayBuffer;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const ErrorCtor = Error;
  const isView = AB.isView;
  const abSlice = AB.prototype.slice;
  const abByteLength = getOwnPropertyDescriptor(AB.prototype, 'byteLength').get;
  const TypedArrayProto = getPrototypeOf(U8.prototype);
  const taBuffer = getOwnPropertyDescriptor(TypedArrayProto, 'buffer').get;
  const taByteOffset = getOwnPropertyDescriptor(TypedArrayProto, 'byteOffset').get;
  const taByteLength = getOwnPropertyDescriptor(TypedArrayProto, 'byteLength').get;
  const taTag = getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
  const taSet = TypedArrayProto.set;
  const dvBuffer = getOwnPropertyDescriptor(DataView.prototype, 'buffer').get;
  const dvByteOffset = getOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get;
  const dvByteLength = getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;
  const InternalErrorProto = InternalError.prototype;
  const bodyMaxBytes = ${scriptResultBodyMaxBytes};

  function isArrayBuffer(value) {
    try { apply(abByteLength, value, []); return true; } catch { return false; }
  }
  function viewParts(view) {
    if (apply(taTag, view, []) !== undefined) {
      return [apply(taBuffer, view, []), apply(taByteOffset, view, []), apply(taByteLength, view, [])];
    }
    return [apply(dvBuffer, view, []), apply(dvByteOffset, view, []), apply(dvByteLength, view, [])];
  }
  // An exact copy of the bytes of a view or buffer, or null when the value is neither.
  function bytesOf(value) {
    if (value !== null && typeof value === 'object') {
      if (isView(value)) {
        const parts = viewParts(value);
        return apply(abSlice, parts[0], [parts[1], parts[1] + parts[2]]);
      }
      if (isArrayBuffer(value)) return apply(abSlice, value, [0]);
    }
    return null;
  }
  function stringOrBytes(value, what) {
    if (typeof value === 'string') return value;
    const bytes = bytesOf(value);
    if (bytes === null) throw new TypeErrorCtor(what + ' must be a string, a Uint8Array or an ArrayBuffer');
    return bytes;
  }
  function define(target, name, value) {
    defineProperty(target, name, { value, writable: true, enumerable: false, configurable: true });
  }
  function typeName(value) {
    if (value === null) return 'null';
    if (isArray(value)) return 'an array';
    const t = typeof value;
    return (t === 'object' || t === 'undefined' ? 'an ' : 'a ') + t;
  }

  // Math.random: QuickJS seeds it from the clock, so contexts made close together repeat values.
  // xorshift128 seeded from the host's CSPRNG, 53 random bits per number.
  let s0 = seed0 | 1, s1 = seed1, s2 = seed2, s3 = seed3;
  function next32() {
    const t = s0 ^ (s0 << 11);
    s0 = s1; s1 = s2; s2 = s3;
    s3 = (s3 ^ (s3 >>> 19) ^ t ^ (t >>> 8)) | 0;
    return s3 >>> 0;
  }
  define(Math, 'random', function random() {
    return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  });

  // console: formatted here, capped and kept by the host.
  function show(value) {
    if (typeof value === 'string') return value;
    try {
      if (value !== null && typeof value === 'object') {
        if (value instanceof ErrorCtor) return StringCtor(value.name) + ': ' + StringCtor(value.message);
        const text = stringify(value);
        if (typeof text === 'string') return text;
      }
      if (typeof value === 'function') return '[Function ' + (value.name || 'anonymous') + ']';
      return StringCtor(value);
    } catch {
      return apply(objectToString, value, []);
    }
  }
  const consoleObject = {};
  const levels = ['log', 'info', 'warn', 'error', 'debug'];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] === 'debug' ? 'log' : levels[i];
    define(consoleObject, levels[i], function (...args) {
      let line = '';
      for (let j = 0; j < args.length; j++) line += (j > 0 ? ' ' : '') + show(args[j]);
      host('log', level, line);
    });
  }
  define(G, 'console', consoleObject);

  function encode(text) {
    return new U8(host('encode', StringCtor(text)));
  }
  function decode(input, fatal, ignoreBOM) {
    if (input === undefined) return '';
    const bytes = bytesOf(input);
    if (bytes === null) throw new TypeErrorCtor('The input must be an ArrayBuffer or an ArrayBufferView');
    return host('decode', bytes, fatal, ignoreBOM);
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return encode(input); }
  }
  const utf8Labels = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];
  class TextDecoder {
    #fatal;
    #ignoreBOM;
    constructor(label = 'utf-8', options = {}) {
      const normalized = StringCtor(label).trim().toLowerCase();
      if (utf8Labels.indexOf(normalized) < 0) {
        throw new RangeErrorCtor('The encoding "' + StringCtor(label) + '" is not supported (only UTF-8)');
      }
      this.#fatal = !!(options && options.fatal);
      this.#ignoreBOM = !!(options && options.ignoreBOM);
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input) { return decode(input, this.#fatal, this.#ignoreBOM); }
  }
  define(G, 'TextEncoder', TextEncoder);
  define(G, 'TextDecoder', TextDecoder);

  define(G, 'atob', function atob(data) {
    if (arguments.length === 0) throw new TypeErrorCtor("atob requires 1 argument");
    return host('atob', StringCtor(data));
  });
  define(G, 'btoa', function btoa(data) {
    if (arguments.length === 0) throw new TypeErrorCtor("btoa requires 1 argument");
    return host('btoa', StringCtor(data));
  });

  const core = {};
  define(core, 'encode', function (text) { return encode(text); });
  define(core, 'decode', function (bytes) { return decode(bytes, false, false); });
  const Deno = {};
  define(Deno, 'core', core);
  define(G, 'Deno', Deno);

  function algorithm(name) {
    const normalized = StringCtor(name).toLowerCase().replace('-', '');
    if (normalized !== 'sha1' && normalized !== 'sha256' && normalized !== 'sha512') {
      throw new TypeErrorCtor('Unsupported algorithm "' + StringCtor(name) + '" (use sha1, sha256 or sha512)');
    }
    return normalized;
  }
  const cryptoObject = {};
  define(cryptoObject, 'hmac', function hmac(alg, key, data) {
    return new U8(host('hmac', algorithm(alg), stringOrBytes(key, 'key'), stringOrBytes(data, 'data')));
  });
  define(cryptoObject, 'digest', function digest(alg, data) {
    return new U8(host('digest', algorithm(alg), stringOrBytes(data, 'data')));
  });
  define(cryptoObject, 'timingSafeEqual', function timingSafeEqual(a, b) {
    const left = new U8(typeof a === 'string' ? host('encode', a) : stringOrBytes(a, 'a'));
    const right = new U8(typeof b === 'string' ? host('encode', b) : stringOrBytes(b, 'b'));
    if (left.length !== right.length) return false;
    let diff = 0;
    for (let i = 0; i < left.length; i++) diff |= left[i] ^ right[i];
    return diff === 0;
  });
  define(cryptoObject, 'randomUUID', function randomUUID() { return host('uuid'); });
  define(cryptoObject, 'getRandomValues', function getRandomValues(array) {
    const tag = array !== null && typeof array === 'object' && isView(array) ? apply(taTag, array, []) : undefined;
    if (tag === undefined || tag === 'Float32Array' || tag === 'Float64Array') {
      throw new TypeErrorCtor('getRandomValues needs an integer typed array');
    }
    const parts = viewParts(array);
    if (parts[2] > 65536) throw new RangeErrorCtor('getRandomValues: at most 65536 bytes at a time');
    apply(taSet, new U8(parts[0], parts[1], parts[2]), [new U8(host('random', parts[2]))]);
    return array;
  });
  define(G, 'crypto', cryptoObject);

  // The host's entry points.
  function setContext(json, body) {
    const context = parse(json);
    context.body = new U8(body);
    define(G, 'context', context);
  }
  async function awaitValue(value) {
    return await value;
  }
  function describeError(error) {
    if (error !== null && typeof error === 'object') {
      let name;
      let message;
      try { name = error.name; message = error.message; } catch { return '[unreadable error]'; }
      if (typeof message === 'string' && message !== '') return message;
      if (typeof name === 'string' && name !== '') return name;
    }
    try { return StringCtor(error); } catch { return apply(objectToString, error, []); }
  }
  // Errors QuickJS raises itself when a limit is hit (the parsers report stack overflow as a SyntaxError).
  const limitErrorProtos = [InternalErrorProto, SyntaxError.prototype, RangeError.prototype];
  function errorKind(error) {
    if (error === null || typeof error !== 'object') return '';
    try {
      if (limitErrorProtos.indexOf(getPrototypeOf(error)) < 0) return '';
      const message = error.message;
      return message === 'out of memory' ? 'memory' : message === 'stack overflow' ? 'stack' : '';
    } catch {
      return '';
    }
  }
  function invalid(reason) {
    return ['invalid', undefined, null, 'none', undefined, reason];
  }
  // [kind, statusCode, headers JSON, bodyKind, body, reason]: read by the host, validated there.
  function finish(result) {
    if (result === undefined || result === null) return ['ok', undefined, null, 'none', undefined, ''];
    if (typeof result !== 'object') {
      return invalid('expected an object with statusCode, headers and body, got ' + typeName(result));
    }
    let statusCode = result.statusCode;
    if (statusCode === null) statusCode = undefined;
    if (statusCode !== undefined && typeof statusCode !== 'number') {
      return invalid('statusCode must be a number, got ' + typeName(statusCode));
    }
    const headers = result.headers;
    let headersJson = null;
    if (headers !== undefined && headers !== null) {
      if (typeof headers !== 'object' || isArray(headers) || isView(headers)) {
        return invalid('headers must be an object of name to string, got ' + typeName(headers));
      }
      const names = ObjectKeys(headers);
      let pairs = '';
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        const value = headers[name];
        if (typeof value !== 'string') {
          return invalid('header "' + name + '" must be a string, got ' + typeName(value));
        }
        pairs += (i > 0 ? ',' : '') + stringify(name) + ',' + stringify(value);
      }
      headersJson = '[' + pairs + ']';
    }
    const body = result.body;
    if (body === undefined || body === null) return ['ok', statusCode, headersJson, 'none', undefined, ''];
    if (typeof body === 'string') return ['ok', statusCode, headersJson, 'text', body, ''];
    const bytes = bytesOf(body);
    if (bytes !== null) {
      if (apply(abByteLength, bytes, []) > bodyMaxBytes) return invalid('the body is larger than ' + bodyMaxBytes + ' bytes');
      return ['ok', statusCode, headersJson, 'bytes', bytes, ''];
    }
    if (isArray(body)) {
      const length = body.length;
      let allBytes = length <= bodyMaxBytes;
      for (let i = 0; allBytes && i < length; i++) {
        const value = body[i];
        allBytes = typeof value === 'number' && NumberIsInteger(value) && value >= 0 && value <= 255;
      }
      if (allBytes) {
        const out = new U8(length);
        for (let i = 0; i < length; i++) out[i] = body[i];
        return ['ok', statusCode, headersJson, 'bytes', apply(taBuffer, out, []), ''];
      }
    }
    if (typeof body === 'function' || typeof body === 'symbol' || typeof body === 'bigint') {
      return invalid('the body is ' + typeName(body) + ', which has no JSON form');
    }
    let json;
    try {
      json = stringify(body);
    } catch (error) {
      if (errorKind(error) !== '') throw error;
      return invalid('the body cannot be converted to JSON: ' + describeError(error));
    }
    if (typeof json !== 'string') return invalid('the body has no JSON form');
    return ['ok', statusCode, headersJson, 'text', json, ''];
  }
  return freeze([setContext, awaitValue, finish, describeError, errorKind]);
})`;
