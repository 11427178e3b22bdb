/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): `Deno.core` as Secutils' scripts use it, and its upstream calls.
import type { BytesArg, Chunk, Intrinsics } from './boundary.ts';

const deno: Chunk = (I: Intrinsics) => {
  const core = {
    encode(text: unknown) {
      return new I.U8(I.host('encode', I.stringify(I.S(text))));
    },
    decode(bytes: unknown) {
      const copy = I.bytesOf(bytes);
      if (copy === null) throw new I.TypeError('Deno.core.decode needs a Uint8Array');
      return I.text(I.host('decode', copy, 0, 0));
    },
    byteLength(text: unknown) {
      return I.host('byteLength', I.stringify(I.S(text)));
    },
    // Each byte as one UTF-16 unit (Latin-1), as Deno does; in slices, since a call takes a bounded argument list.
    encodeBinaryString(bytes: unknown) {
      const copy = I.bytesOf(bytes);
      if (copy === null) throw new I.TypeError('Deno.core.encodeBinaryString needs a Uint8Array');
      const n = I.apply(I.abLen, copy, []);
      let s = '';
      for (let i = 0; i < n; i += 4096) {
        // biome-ignore lint/complexity/useMathMinMax: Math.min is the script's to replace; the guest uses only what it captured.
        s += I.apply(I.fromCharCode, undefined, new I.U8(copy, i, n - i < 4096 ? n - i : 4096) as never);
      }
      return s;
    },
    // Deno writes to stdout, or stderr when isErr; here a console line (log or error) without its final newline.
    print(message: unknown, isErr?: unknown) {
      let line = I.S(message);
      if (line.length > 0 && line[line.length - 1] === '\n') line = I.apply(I.strSlice, line, [0, -1]);
      I.host('log', isErr ? 'error' : 'log', I.stringify(line));
    },
    ops: { op_proxy_request: async (options: unknown) => proxyRequest(options) },
  };
  // docs/contract.md §13: the options as Secutils takes them; the host checks URL, method and header names and
  // sends the call.
  const proxyRequest = async (options: unknown) => {
    if (options === null || typeof options !== 'object') {
      throw new I.TypeError('op_proxy_request needs an object with a url');
    }
    const o = options as Record<string, unknown>;
    if (typeof o.url !== 'string') throw new I.Error('Invalid URL: url must be a string');
    const headers: Record<string, string> = {};
    const h = o.headers;
    if (h !== undefined && h !== null) {
      if (typeof h !== 'object') {
        throw new I.Error('Invalid header name: headers must be an object of name to string');
      }
      const names = I.keys(h);
      for (let i = 0; i < names.length; i++) {
        const v = (h as Record<string, unknown>)[names[i] as string];
        headers[names[i] as string] = I.S(I.isArray(v) ? v[v.length - 1] : v);
      }
    }
    const b = o.body;
    let body: BytesArg | null | undefined;
    if (typeof b === 'string') body = I.stringify(b);
    else if (b !== undefined && b !== null) {
      body = I.bytesOf(b);
      if (body === null && I.isArray(b)) {
        // context.body as Secutils documents it (number[]), as a forwarder passes it on.
        const out = new I.U8(b.length);
        for (let i = 0; i < b.length; i++) {
          const v = b[i];
          if (typeof v !== 'number' || !I.isInt(v) || v < 0 || v > 255) {
            throw new I.TypeError('body must be bytes (0..255) when an array');
          }
          out[i] = v;
        }
        body = I.apply(I.taBuf, out, []);
      }
      if (body === null) {
        throw new I.TypeError('body must be a string, a Uint8Array, an ArrayBuffer or an array of bytes');
      }
    }
    const timeout = o.timeout;
    if (timeout !== undefined && timeout !== null && !(typeof timeout === 'number' && timeout >= 0)) {
      throw new I.TypeError('timeout must be a number of milliseconds');
    }
    const call: Record<string, unknown> = {
      url: o.url,
      method: o.method === undefined ? 'GET' : I.S(o.method),
      headers,
      insecure: !!o.insecure,
      decompress: o.decompress === undefined ? true : !!o.decompress,
    };
    if (typeof timeout === 'number') call.timeoutMs = timeout;
    const r = await I.host('proxy', I.stringify(call), body as BytesArg | undefined);
    return { statusCode: r.statusCode, headers: I.parse(r.headers), body: I.asBody(new I.U8(r.body)) };
  };
  return { __proto__: null, Deno: { core } };
};
export default deno;
