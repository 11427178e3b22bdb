/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): the `crypto` global, hashing and randomness done by the host.
import type { BytesArg, Chunk, HashAlgorithm, Intrinsics } from './boundary.ts';

const cryptoChunk: Chunk = (I: Intrinsics) => {
  const copyOf = (v: unknown, what: string): ArrayBuffer => {
    const copy = I.bytesOf(v);
    if (copy === null) throw new I.TypeError(`${what} must be a string, a Uint8Array or an ArrayBuffer`);
    return copy;
  };
  const bytes = (v: unknown, what: string): BytesArg =>
    typeof v === 'string' ? I.stringify(v) : copyOf(v, what);
  const algorithm = (name: unknown): HashAlgorithm => {
    const n = I.S(name).toLowerCase().replace('-', '');
    if (n !== 'sha1' && n !== 'sha256' && n !== 'sha512') {
      throw new I.TypeError(`Unsupported algorithm "${I.S(name)}" (use sha1, sha256 or sha512)`);
    }
    return n;
  };
  const crypto = {
    hmac(alg: unknown, key: unknown, data: unknown) {
      return new I.U8(I.host('hmac', algorithm(alg), bytes(key, 'key'), bytes(data, 'data')));
    },
    digest(alg: unknown, data: unknown) {
      return new I.U8(I.host('digest', algorithm(alg), bytes(data, 'data')));
    },
    timingSafeEqual(a: unknown, b: unknown) {
      const left = new I.U8(typeof a === 'string' ? I.host('encode', I.stringify(a)) : copyOf(a, 'a'));
      const right = new I.U8(typeof b === 'string' ? I.host('encode', I.stringify(b)) : copyOf(b, 'b'));
      if (left.length !== right.length) return false;
      let diff = 0;
      for (let i = 0; i < left.length; i++) diff |= (left[i] as number) ^ (right[i] as number);
      return diff === 0;
    },
    randomUUID() {
      return I.host('uuid');
    },
    getRandomValues(array: unknown) {
      const tag =
        array !== null && typeof array === 'object' && I.isView(array)
          ? I.apply(I.taTag, array, [])
          : undefined;
      if (tag === undefined || tag === 'Float32Array' || tag === 'Float64Array') {
        throw new I.TypeError('getRandomValues needs an integer typed array');
      }
      const p = I.parts(array as ArrayBufferView);
      if (p[2] > 65536) throw new I.RangeError('getRandomValues fills at most 65536 bytes at a time');
      I.apply(I.taSet, new I.U8(p[0], p[1], p[2]), [new I.U8(I.host('random', p[2]))]);
      return array;
    },
  };
  return { __proto__: null, crypto };
};
export default cryptoChunk;
