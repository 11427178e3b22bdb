// How V8 compiles the QuickJS WebAssembly. V8 runs a wasm function first as Liftoff (baseline) code and
// recompiles it with TurboFan on its helper threads once the function has used up a "tiering budget" (roughly
// bytes of code executed). QuickJS's interpreter and parser use up V8's own budget inside a cold start's first
// execution, so the first answer came with 100-200 ms of CPU of TurboFan compiling (perf: helper threads in the
// register allocator), a third of the cold start's CPU, for code a light script does not need: a responder-like
// script runs as fast on Liftoff code. The module is compiled with a larger budget, so a function is recompiled
// only once it has proved hot across executions; each later recompile of it uses V8's own budget.
// The budget is a process-wide V8 flag, read when the module is compiled. It is set for that compile only and
// put back to V8's default: a thread started under other flags (the sandbox worker) rejects every code cache
// made before, Node's own start-up code among them, which cost the worker's start 25-50 ms more CPU.
import { setFlagsFromString } from 'node:v8';

/**
 * The budget the QuickJS module is compiled with. The work of a cold start's first execution stays below it; a
 * CPU-bound script's functions reach it within their first run (908 against 850 ms with V8's own budget, later
 * runs alike: `npm run bench -- sandbox`).
 */
export const quickJsTieringBudget = 500_000_000;

/**
 * V8's own `--wasm-tiering-budget` per V8 version (major.minor), from `node --v8-options`: Node 20 and Node 22
 * (Lambda's runtime). A V8 not listed here compiles the module with its own budget, untouched.
 */
const v8DefaultTieringBudgets: Readonly<Record<string, number>> = {
  '11.3': 1_800_000,
  '12.4': 13_000_000,
};

export interface TieringEnvironment {
  v8Version: string;
  /** The process's own flags: a budget the operator set there is theirs, and kept. */
  execArgv: readonly string[];
  setFlags: (flags: string) => void;
}

/** V8's own budget for `v8Version` (this process's by default), if listed. */
export function v8DefaultTieringBudget(v8Version: string = process.versions.v8): number | undefined {
  return v8DefaultTieringBudgets[v8Version.split('.').slice(0, 2).join('.')];
}

const thisProcess: TieringEnvironment = {
  v8Version: process.versions.v8,
  execArgv: process.execArgv,
  setFlags: setFlagsFromString,
};

/** Compiles `bytes` with `quickJsTieringBudget` where this V8's default budget is known, and as is elsewhere. */
export function compileDeferringTierUp(
  bytes: Uint8Array,
  environment: TieringEnvironment = thisProcess,
): WebAssembly.Module {
  const defaultBudget = v8DefaultTieringBudget(environment.v8Version);
  const setByOperator = environment.execArgv.some((flag) => /^--wasm[-_]tiering[-_]budget\b/.test(flag));
  if (defaultBudget === undefined || setByOperator) return new WebAssembly.Module(bytes);
  environment.setFlags(`--wasm-tiering-budget=${quickJsTieringBudget}`);
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    environment.setFlags(`--wasm-tiering-budget=${defaultBudget}`);
  }
}
