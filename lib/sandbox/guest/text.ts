/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): TextEncoder and TextDecoder, UTF-8 only, the work done by the host.
import type { Chunk, Intrinsics } from './boundary.ts';

const text: Chunk = (I: Intrinsics) => {
  const labels = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];
  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input: unknown = '') {
      return new I.U8(I.host('encode', I.stringify(I.S(input))));
    }
  }
  class TextDecoder {
    #fatal: boolean;
    #ignoreBOM: boolean;
    constructor(label: unknown = 'utf-8', options: { fatal?: unknown; ignoreBOM?: unknown } = {}) {
      if (I.apply(I.indexOf, labels, [I.S(label).trim().toLowerCase()]) < 0) {
        throw new I.RangeError(`The encoding "${I.S(label)}" is not supported (only UTF-8)`);
      }
      this.#fatal = !!options?.fatal;
      this.#ignoreBOM = !!options?.ignoreBOM;
    }
    get encoding() {
      return 'utf-8';
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input?: unknown) {
      if (input === undefined) return '';
      const bytes = I.bytesOf(input);
      if (bytes === null) throw new I.TypeError('The input must be an ArrayBuffer or an ArrayBufferView');
      return I.text(I.host('decode', bytes, this.#fatal ? 1 : 0, this.#ignoreBOM ? 1 : 0));
    }
  }
  return { __proto__: null, TextEncoder, TextDecoder };
};
export default text;
