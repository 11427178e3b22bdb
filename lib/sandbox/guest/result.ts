/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): a script's result as plain data for the host (guest/boundary.ts's
// Finished), or why it has none. Made by the core, before any user code runs, from the captured intrinsics.
import type { Finished, Intrinsics, JsonText } from './boundary.ts';

export default function finisher(I: Intrinsics, bodyMaxBytes: number): (r: unknown) => Finished {
  const a = (v: unknown) =>
    v === null
      ? 'null'
      : I.isArray(v)
        ? 'an array'
        : (typeof v === 'object' || typeof v === 'undefined' ? 'an ' : 'a ') + typeof v;
  const invalid = (reason: string): Finished => ({ __proto__: null, kind: 'invalid', reason }) as Finished;
  const ok = (meta: string, body?: string | ArrayBuffer): Finished =>
    ({ __proto__: null, kind: 'ok', meta, body }) as Finished;
  const max = bodyMaxBytes;
  // A string the host can read as a C string and get back exactly: no NUL, no lone surrogate.
  const plain = (s: string) => I.apply(I.strIndexOf, s, ['\0']) < 0 && I.apply(I.wellFormed, s, []);
  // The ResultMeta JSON, built by concatenation, not by JSON.stringify of an object: nothing here goes through
  // the script's prototypes. The head is everything but the body's kind: `head + kind + '"}'`.
  const head = (status: unknown, headers: string | null, flags: string) =>
    '{"status":' +
    (status === undefined
      ? 'null'
      : (status as number) - (status as number) === 0
        ? I.S(status)
        : I.stringify(I.S(status))) +
    ',"headers":' +
    (headers === null ? 'null' : headers) +
    flags +
    ',"body":"';
  const meta = (m: string, kind: string) => `${m + kind}"}`;
  // A string of more UTF-16 units than the cap has more UTF-8 bytes too: refuse before copying it. JSON text is
  // plain already (JSON.stringify escapes NUL and lone surrogates), so only other strings are scanned.
  const textBody = (m: string, s: string, isJson: boolean) =>
    s.length > max
      ? tooLong()
      : isJson || plain(s)
        ? ok(meta(m, 'raw'), s)
        : ok(meta(m, 'text'), I.stringify(s));
  const tooLong = () => invalid(`the body is larger than ${max} bytes`);
  // The result as plain data (see Finished); checked on the host.
  const finish = (r: unknown): Finished => {
    if (r === undefined || r === null) return ok('{"status":null,"headers":null,"body":"none"}');
    if (typeof r !== 'object') {
      return invalid(`expected an object with statusCode, headers and body, got ${a(r)}`);
    }
    const result = r as Record<string, unknown>;
    let status = result.statusCode;
    if (status === null) status = undefined;
    if (status !== undefined && typeof status !== 'number') {
      return invalid(`statusCode must be a number, got ${a(status)}`);
    }
    const h = result.headers;
    let headers: string | null = null;
    if (h !== undefined && h !== null) {
      if (typeof h !== 'object' || I.isArray(h) || I.isView(h)) {
        return invalid(`headers must be an object of name to string, got ${a(h)}`);
      }
      const names = I.keys(h);
      let list = '';
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        let v = (h as Record<string, unknown>)[name];
        // An array keeps its last element, as Secutils does.
        if (I.isArray(v)) {
          const n = v.length;
          if (n === 0) return invalid(`header ${I.stringify(name)} is an empty array`);
          let last: unknown;
          for (let j = 0; j < n; j++) {
            last = v[j];
            if (typeof last !== 'string') {
              return invalid(
                `header ${I.stringify(name)} must be a string or an array of strings, got an array holding ${a(last)}`,
              );
            }
          }
          v = last;
        }
        if (typeof v !== 'string')
          return invalid(`header ${I.stringify(name)} must be a string, got ${a(v)}`);
        list += `${(i > 0 ? ',' : '') + I.stringify(name)},${I.stringify(v)}`;
      }
      headers = `[${list}]`;
    }
    const skip = result.skipRequest;
    const track = result.trackResponse;
    if (skip !== undefined && skip !== null && typeof skip !== 'boolean') {
      return invalid(`skipRequest must be a boolean, got ${a(skip)}`);
    }
    if (track !== undefined && track !== null && typeof track !== 'boolean') {
      return invalid(`trackResponse must be a boolean, got ${a(track)}`);
    }
    const m = head(
      status,
      headers,
      (skip === true ? ',"skipRequest":true' : '') + (track === false ? ',"trackResponse":false' : ''),
    );
    const b = result.body;
    if (b === undefined || b === null) return ok(meta(m, 'none'));
    if (typeof b === 'string') return textBody(m, b, false);
    const bytes = I.bytesOf(b);
    if (bytes !== null) return I.apply(I.abLen, bytes, []) > max ? tooLong() : ok(meta(m, 'bytes'), bytes);
    if (I.isArray(b)) {
      const n = b.length;
      let all = n <= max;
      for (let i = 0; all && i < n; i++) {
        const v = b[i];
        all = typeof v === 'number' && I.isInt(v) && v >= 0 && v <= 255;
      }
      if (all) {
        const out = new I.U8(n);
        for (let i = 0; i < n; i++) out[i] = b[i];
        return ok(meta(m, 'bytes'), I.apply(I.taBuf, out, []));
      }
    }
    if (typeof b === 'function' || typeof b === 'symbol' || typeof b === 'bigint') {
      return invalid(`the body is ${a(b)}, which has no JSON form`);
    }
    let json: JsonText;
    try {
      json = I.stringify(b);
    } catch (e) {
      // Which error it was (a limit, or what to say) the host finds out with the faults chunk.
      return { __proto__: null, kind: 'json-error', error: e } as Finished;
    }
    if (typeof json !== 'string') return invalid('the body has no JSON form');
    return textBody(m, json, true);
  };
  return finish;
}
