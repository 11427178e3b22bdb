/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): atob and btoa, the work done by the host.
import type { Chunk, Intrinsics } from './boundary.ts';

const base64: Chunk = (I: Intrinsics) => {
  function atob(data: unknown) {
    // biome-ignore lint/complexity/noArguments: the web API tells no argument from an undefined one.
    if (arguments.length === 0) throw new I.TypeError('atob needs 1 argument');
    return I.text(I.host('atob', I.stringify(I.S(data))));
  }
  function btoa(data: unknown) {
    // biome-ignore lint/complexity/noArguments: the web API tells no argument from an undefined one.
    if (arguments.length === 0) throw new I.TypeError('btoa needs 1 argument');
    return I.host('btoa', I.stringify(I.S(data)));
  }
  return { __proto__: null, atob, btoa };
};
export default base64;
