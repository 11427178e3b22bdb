// Sandbox workers on the main thread: one execution per worker at a time, a queue when all are busy, and
// the hard stop. A script stuck in a native built-in never returns to QuickJS's interrupt check, so past
// deadline + grace the worker is terminated and a fresh one takes its place.
import { Worker } from 'node:worker_threads';
import { hardStopGraceMs } from '../limits.ts';
import { workerEntry } from './files.ts';
import type { CheckJob, FromWorker, InitMessage, RunAnswer, RunJob, ToWorker } from './protocol.ts';
import type { RecycleReason, SyntaxCheck } from './types.ts';
import { loadQuickJsWasm } from './wasm-layout.ts';

/** A syntax check only parses; if it takes this long something is wrong and the worker is replaced. */
const checkTimeoutMs = 5_000;
/** Workers that die before they are ready, in a row, before queued executions fail instead of waiting. */
const maxFailedStarts = 3;
/**
 * The worker's native stack: deep QuickJS recursion must hit QuickJS's own limit long before this. The parser
 * is the hungriest: each level of `(` nesting takes about 1.5 KB of native stack for 64 bytes of QuickJS's,
 * so 16 MiB held only 1.3 times the 512 KiB limit; 64 MiB holds 5 times it, 2.6 times the 1 MiB cap. Only
 * the pages a script reaches are ever touched, and QuickJS's limit bounds those.
 */
const workerStackSizeMb = 64;

/** What a job's caller gets when its worker is stopped before it answered. */
export type OnStop<Reply> = (reason: RecycleReason, elapsedMs: number) => Reply;

interface Waiter<J extends RunJob | CheckJob, Reply> {
  job: J;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
  onStop: OnStop<Reply>;
}
/** A job and its caller, tagged by the job's kind so that a reply of the wrong kind cannot resolve it. */
type Job = { confined: boolean } & (
  | ({ kind: 'run' } & Waiter<RunJob, RunAnswer>)
  | ({ kind: 'check' } & Waiter<CheckJob, SyntaxCheck>)
);

interface Slot {
  worker: Worker | undefined;
  /** The worker has loaded QuickJS and prepared its first context: deadlines start counting now. */
  ready: boolean;
  job: (Job & { id: number; timer: NodeJS.Timeout; started: number }) | undefined;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private failedStarts = 0;
  private wasm: Promise<Pick<InitMessage, 'wasmModule' | 'layout'>> | undefined;

  /** @param upstreamAllowPrivate see InitMessage */
  constructor(
    size: number,
    private readonly upstreamAllowPrivate = false,
  ) {
    this.slots = Array.from({ length: Math.max(1, Math.floor(size)) }, () => ({
      worker: undefined,
      ready: false,
      job: undefined,
    }));
    // Workers start at once (unreferenced, so an unused pool does not keep the process alive).
    for (const slot of this.slots) this.spawn(slot);
  }

  /** @param confined runs on the pool's last worker only (a script that recently ran out of time) */
  run(job: RunJob, onStop: OnStop<RunAnswer>, confined = false): Promise<RunAnswer> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'run', job, confined, resolve, reject, onStop }),
    );
  }

  check(job: CheckJob, onStop: OnStop<SyntaxCheck>): Promise<SyntaxCheck> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'check', job, confined: false, resolve, reject, onStop }),
    );
  }

  private enqueue(job: Job): void {
    if (this.closed) {
      job.reject(new Error('the sandbox is closed'));
      return;
    }
    this.queue.push(job);
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.map((slot) => slot.worker).filter((worker) => worker !== undefined);
    const closedError = () => new Error('the sandbox is closed');
    for (const slot of this.slots) {
      if (slot.job) {
        clearTimeout(slot.job.timer);
        slot.job.reject(closedError());
        slot.job = undefined;
      }
      slot.worker = undefined;
    }
    for (const waiting of this.queue.splice(0)) waiting.reject(closedError());
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** First come, first served, except that confined jobs wait for the last worker. */
  private takes(slot: Slot, job: Job): boolean {
    return !job.confined || this.runsConfined(slot);
  }

  private runsConfined(slot: Slot): boolean {
    return slot === this.slots[this.slots.length - 1];
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      const next = this.queue.findIndex((waiting) => this.takes(slot, waiting));
      if (next < 0) continue;
      if (!slot.worker) this.spawn(slot);
      const worker = slot.worker;
      if (!worker || slot.job || !slot.ready) continue;
      const job = this.queue.splice(next, 1)[0] as Job;
      const id = this.nextId++;
      const limitMs = job.kind === 'check' ? checkTimeoutMs : job.job.limits.deadlineMs + hardStopGraceMs;
      const timer = setTimeout(() => this.stop(slot, 'hard-stop'), limitMs);
      slot.job = { ...job, id, timer, started: performance.now() };
      worker.postMessage({ ...job.job, id } satisfies ToWorker);
    }
    for (const slot of this.slots) this.holdProcessWhileBusy(slot);
  }

  /**
   * A worker keeps the process alive while it runs a job or a job waits that it may take; an idle pool does
   * not. Decided again after every change, since a worker that was waited for may have seen its job go to another.
   */
  private holdProcessWhileBusy(slot: Slot): void {
    if (!slot.worker) return;
    if (slot.job || this.queue.some((waiting) => this.takes(slot, waiting))) slot.worker.ref();
    else slot.worker.unref();
  }

  private spawn(slot: Slot): void {
    // Compiled once per process and shared with every worker. Read and compiled synchronously: an asynchronous
    // read or compile completes on this thread's event loop, which in a cold start is busy evaluating the
    // handler's imports for tens of ms while the worker waits.
    this.wasm ??= (async () => loadQuickJsWasm())();
    const entry = workerEntry();
    const worker = new Worker(entry.source, {
      eval: entry.eval,
      resourceLimits: { stackSizeMb: workerStackSizeMb },
    });
    this.wasm.then(
      (wasm) => {
        // A pool of one confines nothing, and its worker keeps normal priority.
        const confinedLane = this.slots.length > 1 && this.runsConfined(slot);
        worker.postMessage({
          kind: 'init',
          ...wasm,
          confinedLane,
          upstreamAllowPrivate: this.upstreamAllowPrivate,
        } satisfies ToWorker);
      },
      // No WebAssembly to run: the worker goes, and the start counts as failed.
      () => this.stop(slot, 'worker-exit', worker),
    );
    worker.on('message', (reply: FromWorker) => {
      if (slot.worker !== worker) return;
      if (reply.kind === 'ready') {
        slot.ready = true;
        this.failedStarts = 0;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      clearTimeout(job.timer);
      slot.job = undefined;
      if (reply.kind === 'ran' && job.kind === 'run') job.resolve(reply.answer);
      else if (reply.kind === 'checked' && job.kind === 'check') job.resolve(reply.check);
      else job.reject(new Error(`the sandbox worker answered a ${job.kind} job with ${reply.kind}`));
      this.dispatch();
    });
    // A worker that dies on its own (a V8 heap limit, a crash) is replaced like a hard-stopped one.
    worker.on('error', () => this.stop(slot, 'worker-exit', worker));
    worker.on('exit', () => this.stop(slot, 'worker-exit', worker));
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
  }

  private stop(slot: Slot, reason: RecycleReason, which?: Worker): void {
    const worker = slot.worker;
    if (!worker || (which && which !== worker)) return;
    // A worker that cannot even start (a broken install) would be restarted forever: give up after a few.
    this.failedStarts = slot.ready ? 0 : this.failedStarts + 1;
    slot.worker = undefined;
    slot.ready = false;
    void worker.terminate();
    if (this.failedStarts >= maxFailedStarts) {
      for (const waiting of this.queue.splice(0))
        waiting.reject(new Error('the sandbox worker cannot start'));
    }
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      const elapsedMs = performance.now() - job.started;
      if (job.kind === 'run') job.resolve(job.onStop(reason, elapsedMs));
      else job.resolve(job.onStop(reason, elapsedMs));
    }
    if (!this.closed) this.dispatch();
  }
}
