/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS (see guest/core.ts): `console`, each line sent to the host as text.
import type { Chunk, ConsoleLevel, Intrinsics } from './boundary.ts';

const consoleChunk: Chunk = (I: Intrinsics) => {
  const show = (v: unknown) => {
    if (typeof v === 'string') return v;
    try {
      if (v !== null && typeof v === 'object') {
        if (v instanceof I.Error) return `${I.S(v.name)}: ${I.S(v.message)}`;
        const text = I.stringify(v);
        if (typeof text === 'string') return text;
      }
      if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
      return I.S(v);
    } catch {
      return I.apply(I.toStr, v, []);
    }
  };
  const console = {};
  const make = (level: ConsoleLevel) => {
    // biome-ignore lint/complexity/useArrowFunction: console methods are ordinary functions, as in every runtime.
    return function (...args: unknown[]) {
      let line = '';
      for (let i = 0; i < args.length; i++) line += (i > 0 ? ' ' : '') + show(args[i]);
      I.host('log', level, I.stringify(line));
    };
  };
  const methods: Record<string, ConsoleLevel> = {
    log: 'log',
    info: 'info',
    warn: 'warn',
    error: 'error',
    debug: 'log',
    trace: 'log',
  };
  const names = I.keys(methods);
  for (let i = 0; i < names.length; i++) {
    I.dp(console, names[i] as string, {
      value: make(methods[names[i] as string] as ConsoleLevel),
      writable: true,
      configurable: true,
    });
  }
  return { __proto__: null, console };
};
export default consoleChunk;
