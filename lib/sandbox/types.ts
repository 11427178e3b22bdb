// The sandbox's public types: what goes into one script execution and what comes out (docs/contract.md §3).
import type { ConsoleLevel } from './guest/boundary.ts';

/** How a script execution ended; the history, the dry run and the metrics all name outcomes from this list. */
export const scriptOutcomes = [
  'ok',
  'timeout',
  'memory',
  'stack',
  'syntax',
  'error',
  'invalid',
  'unsettled',
] as const;
export type ScriptOutcome = (typeof scriptOutcomes)[number];

/**
 * The global `context` a script sees (Secutils-compatible), keys in Secutils' order: the guest builds it in
 * this order whatever order a caller uses (see context.ts).
 */
export interface ScriptContext {
  /** `ip:port` of the caller (the bare IP behind API Gateway); absent when unknown. */
  clientAddress?: string;
  method: string;
  /** Lower-case names, repeated headers joined with a comma. */
  headers: Record<string, string>;
  /** The request path below the namespace, as received. */
  path: string;
  /** The query string without `?`; absent when the request has none. */
  rawQuery?: string;
  /** One value per key, the last wins. */
  query: Record<string, string>;
  /** The request bytes; `JSON.stringify` gives an array of numbers, as Secutils' `number[]` does. */
  body: Uint8Array;
}

/** `context.secrets` (docs/contract.md §12): name → value, the ones the responder allows. */
export type ScriptSecrets = Record<string, string>;

export interface ScriptLimits {
  memoryBytes: number;
  deadlineMs: number;
  stackBytes: number;
}

/** The responder's own answer, used when the script keeps the defaults (returns null/undefined or omits fields). */
export interface ResponseDefaults {
  statusCode: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

// Declared with the host/guest contract (guest/boundary.ts), where the guest's sources can import it.
export type { ConsoleLevel };
export interface ConsoleLine {
  level: ConsoleLevel;
  message: string;
}

export interface ScriptRun {
  script: string;
  context: ScriptContext;
  /** Installed as the non-enumerable `context.secrets`; `{}` when absent. */
  secrets?: ScriptSecrets;
  defaults: ResponseDefaults;
  limits?: Partial<ScriptLimits>;
  /** 32 bytes keying Math.random, crypto.getRandomValues and crypto.randomUUID (docs/contract.md §9); default from the CSPRNG. */
  seed?: Uint8Array;
  /** What Date.now() and new Date() read for the whole execution; default the time of the call. */
  nowMs?: number;
}

/** Why a sandbox had to be rebuilt (reported as the `reason` property of the SandboxRecycled metric). */
export type RecycleReason = 'hard-stop' | 'memory' | 'corrupted' | 'high-water-mark' | 'worker-exit';

/** The answer of one execution. Script faults are outcomes here, never exceptions. */
export interface ScriptExecution {
  outcome: ScriptOutcome;
  /** The final answer: the script's result merged over the defaults, or the failure answer of docs/contract.md §3. */
  statusCode: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  console: ConsoleLine[];
  /** Wall time of the execution including setup and teardown. */
  durationMs: number;
  /** Sandbox memory in use at the end of the execution. */
  memoryBytes: number;
  /** The seed and start time it ran with: the same script, request, seed and start time give the same answer. */
  seed: Uint8Array;
  startedAtMs: number;
  /** Set when this execution left the sandbox in a state that made the host rebuild it. */
  recycled?: RecycleReason;
  /** The script answered `skipRequest: true`: this request stays out of the history. */
  skipRequest?: boolean;
  /** The script answered `trackResponse: false`: the tracked entry keeps the status only of the answer. */
  trackResponse?: boolean;
  /** The script's calls to upstreams, in the order made; absent when it made none. */
  upstream?: UpstreamRecord[];
}

export type SyntaxCheck = { ok: true } | { ok: false; message: string; line: number };

/** One call a script made to an upstream (docs/contract.md §13), as tracked. */
export interface UpstreamRecord {
  /** Without its query (or fragment, or credentials). */
  url: string;
  method: string;
  /** Absent when no answer came. */
  statusCode?: number;
  durationMs: number;
  /** The message the script's promise was rejected with. */
  error?: string;
}
