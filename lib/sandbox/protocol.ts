// Messages between the pool (main thread) and a sandbox worker.
import type {
  ConsoleLine,
  RecycleReason,
  ScriptContext,
  ScriptLimits,
  ScriptOutcome,
  ScriptSecrets,
  UpstreamRecord,
} from './types.ts';

export interface WorkerRequest {
  id: number;
  kind: 'run' | 'check';
  script: string;
  context?: ScriptContext;
  secrets?: ScriptSecrets;
  limits: ScriptLimits;
  /** The execution's seed and start time (docs/contract.md §9), for a run. */
  seed?: Uint8Array;
  nowMs?: number;
}

/** One execution as the worker saw it: the script's own result (not yet merged over the defaults). */
export interface WorkerAnswer {
  id: number;
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

/** The first message to a worker. */
export interface WorkerInit {
  wasmModule: WebAssembly.Module;
  heapStartBytes: number | undefined;
  /** The worker that confined scripts run on (thread-priority.ts), where the pool has others. */
  confinedLane: boolean;
  /** Script calls may reach private addresses (`FORWARD_ALLOW_PRIVATE=true`, local testing only). */
  upstreamAllowPrivate: boolean;
}
