/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): what the host needs only when a script failed, compiled on the
// first failure of a module (most never fail).
import type { FaultHelpers, Intrinsics } from './boundary.ts';

export default function faults(I: Intrinsics): FaultHelpers {
  const describe = (e: unknown) => {
    if (e !== null && typeof e === 'object') {
      let n: unknown;
      let m: unknown;
      try {
        n = (e as Error).name;
        m = (e as Error).message;
      } catch {
        return '[unreadable error]';
      }
      if (typeof m === 'string' && m !== '') return m;
      if (typeof n === 'string' && n !== '') return n;
    }
    try {
      return I.S(e);
    } catch {
      return I.apply(I.toStr, e, []);
    }
  };
  const errorKind = (e: unknown) => {
    if (e === null || typeof e !== 'object') return '';
    try {
      if (I.apply(I.indexOf, I.limitProtos, [I.gpo(e)]) < 0) return '';
      const m = (e as Error).message;
      return m === 'out of memory' ? 'memory' : m === 'stack overflow' ? 'stack' : '';
    } catch {
      return '';
    }
  };
  return { __proto__: null, describeError: (e) => I.stringify(describe(e)), errorKind } as FaultHelpers;
}
