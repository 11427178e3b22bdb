// The script sandbox (docs/contract.md §3): untrusted responder scripts in QuickJS, in worker threads, under limits.
import { toExecution } from './answer.ts';
import { Confinement } from './confinement.ts';
import { newSeed, seedBytes } from './host-ops.ts';
import { resolveLimits } from './limits.ts';
import { WorkerPool } from './pool.ts';
import type { RunAnswer } from './protocol.ts';
import type { RecycleReason, ScriptExecution, ScriptRun, SyntaxCheck } from './types.ts';

export { type ContextSource, scriptContext } from './context.ts';
export { emptyScriptContext } from './empty-context.ts';
export { bundledWasmFileName, bundledWorkerFileName, wasmPackageName } from './files.ts';
export * from './types.ts';

export interface SandboxOptions {
  /** Worker threads, each running one execution at a time (default 1). */
  poolSize?: number;
  /**
   * Lets scripts' upstream calls reach private, loopback and link-local addresses (docs/contract.md §13): for local testing
   * only (`FORWARD_ALLOW_PRIVATE=true`), never in a deployment.
   */
  upstreamAllowPrivate?: boolean;
}

export interface SandboxStats {
  executions: number;
  recycles: Partial<Record<RecycleReason, number>>;
}

export interface Sandbox {
  /** Never rejects for script faults: they are outcomes. */
  run(run: ScriptRun): Promise<ScriptExecution>;
  /** Compile only, never runs the script. */
  checkSyntax(script: string): Promise<SyntaxCheck>;
  stats(): SandboxStats;
  /** Ends the workers; the process can exit. */
  close(): Promise<void>;
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const pool = new WorkerPool(options.poolSize ?? 1, options.upstreamAllowPrivate);
  const confinement = new Confinement();
  const counters: SandboxStats = { executions: 0, recycles: {} };
  const countRecycle = (reason: RecycleReason | undefined) => {
    if (reason) counters.recycles[reason] = (counters.recycles[reason] ?? 0) + 1;
  };

  return {
    async run(run) {
      const limits = resolveLimits(run.limits);
      const seed = run.seed ?? newSeed();
      if (seed.byteLength !== seedBytes) throw new RangeError(`a seed has ${seedBytes} bytes`);
      const nowMs = run.nowMs ?? Date.now();
      const reply = await pool.run(
        {
          kind: 'run',
          script: run.script,
          context: run.context,
          ...(run.secrets ? { secrets: run.secrets } : {}),
          limits,
          seed,
          nowMs,
        },
        (reason, elapsedMs): RunAnswer => ({
          outcome: reason === 'hard-stop' ? 'timeout' : 'error',
          ...(reason === 'hard-stop' ? {} : { message: 'the sandbox stopped unexpectedly' }),
          console: [],
          durationMs: elapsedMs,
          memoryBytes: 0,
          recycled: reason,
        }),
        confinement.has(run.script),
      );
      if (reply.outcome === 'timeout') confinement.add(run.script);
      counters.executions++;
      countRecycle(reply.recycled);
      return { ...toExecution(reply, run.defaults, limits), seed, startedAtMs: nowMs };
    },
    async checkSyntax(script) {
      return pool.check({ kind: 'check', script }, (reason) => {
        countRecycle(reason);
        return { ok: false, message: 'the syntax check did not finish', line: 1 };
      });
    },
    stats() {
      return { executions: counters.executions, recycles: { ...counters.recycles } };
    },
    close() {
      return pool.close();
    },
  };
}
