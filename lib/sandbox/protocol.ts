// Messages between the pool (main thread) and a sandbox worker: tagged unions both ways, so each side
// switches on `kind` and the type checker knows what every message carries.
import type {
  ConsoleLine,
  RecycleReason,
  ScriptContext,
  ScriptLimits,
  ScriptOutcome,
  ScriptSecrets,
  SyntaxCheck,
  UpstreamRecord,
} from './types.ts';
import type { WasmLayout } from './wasm-layout.ts';

/** One execution. */
export interface RunJob {
  kind: 'run';
  script: string;
  context?: ScriptContext;
  secrets?: ScriptSecrets;
  limits: ScriptLimits;
  /** The execution's seed and start time (docs/contract.md §9). */
  seed?: Uint8Array;
  nowMs?: number;
}

/** A compile without a run. */
export interface CheckJob {
  kind: 'check';
  script: string;
}

/** One execution as the worker saw it: the script's own result (not yet merged over the defaults). */
export interface RunAnswer {
  outcome: ScriptOutcome;
  statusCode?: number;
  headers?: Array<[string, string]>;
  body?: Uint8Array;
  /** The error, syntax error or invalid-result reason. */
  message?: string;
  /** The line of a syntax error, in the user's script. */
  line?: number;
  console: ConsoleLine[];
  durationMs: number;
  memoryBytes: number;
  recycled?: RecycleReason;
  skipRequest?: boolean;
  trackResponse?: boolean;
  upstream?: UpstreamRecord[];
}

/** The first message to a worker, and only the first. */
export interface InitMessage {
  kind: 'init';
  wasmModule: WebAssembly.Module;
  /** Where the stack and heap are (wasm-layout.ts); undefined if the .wasm did not say. */
  layout: WasmLayout | undefined;
  /** The worker that confined scripts run on (thread-priority.ts), where the pool has others. */
  confinedLane: boolean;
  /** Script calls may reach private addresses (`FORWARD_ALLOW_PRIVATE=true`, local testing only). */
  upstreamAllowPrivate: boolean;
}

/** A job as sent: the id comes back with its reply. */
export type JobMessage = (RunJob | CheckJob) & { id: number };

export type ToWorker = InitMessage | JobMessage;

export type FromWorker =
  /** The worker has loaded QuickJS and prepared its first context. */
  | { kind: 'ready' }
  | { kind: 'ran'; id: number; answer: RunAnswer }
  | { kind: 'checked'; id: number; check: SyntaxCheck };
