// The script circuit breaker (docs/contract.md §10): a script that keeps failing stops costing its deadline on every
// request. Per responder and per process, so each Lambda environment decides on its own and no message between
// environments is needed. The state belongs to one version of the responder: a new version (any save) seen by
// this process's definition cache starts closed, whatever the old version did.
//
// Closed: every request runs; `faultsToOpen` consecutive faults open the breaker. Open: nothing runs until the
// cool-down ends. Then one request, the trial, runs while every other is still refused; its success closes the
// breaker, its fault opens it again for twice as long (at most `openMaxMs`). Executions admitted before the
// breaker opened that finish after it do not move it: only the trial decides.
import { breakerFaultsToOpen, breakerOpenMaxMs, breakerOpenMs, breakerRespondersMax } from '../limits.ts';
import type { ScriptOutcome } from '../sandbox/types.ts';

export interface CircuitBreakerOptions {
  faultsToOpen?: number;
  openMs?: number;
  openMaxMs?: number;
  maxResponders?: number;
  now?: () => number;
}

/** The responder a request is for, as the definition cache gave it. */
export interface BreakerSubject {
  id: string;
  version: number;
}

/** A permission to run a script once; settle it with the execution's outcome when the run is over. */
export interface BreakerTicket {
  readonly id: string;
  readonly version: number;
  readonly trial: boolean;
}

export type Admission =
  | { run: true; ticket: BreakerTicket }
  | {
      run: false;
      /** Whole seconds until a request may run the script again, rounded up, at least 1. */
      retryAfterSeconds: number;
    };

interface State {
  version: number;
  /** Consecutive faults while closed. */
  faults: number;
  /** Set while open (the trial included). */
  openUntilMs?: number;
  /** The length of the current opening: the next failed trial doubles it. */
  openForMs: number;
  /** The trial in flight, if any. */
  trial?: BreakerTicket;
}

export class CircuitBreaker {
  readonly #faultsToOpen: number;
  readonly #openMs: number;
  readonly #openMaxMs: number;
  readonly #maxResponders: number;
  readonly #now: () => number;
  /** Only responders with a fault since their last success have a state; no entry means closed. */
  readonly #states = new Map<string, State>();

  constructor(options: CircuitBreakerOptions = {}) {
    this.#faultsToOpen = options.faultsToOpen ?? breakerFaultsToOpen;
    this.#openMs = options.openMs ?? breakerOpenMs;
    this.#openMaxMs = options.openMaxMs ?? breakerOpenMaxMs;
    this.#maxResponders = options.maxResponders ?? breakerRespondersMax;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a request to this responder may run its script now. */
  admit(subject: BreakerSubject): Admission {
    const closed: Admission = {
      run: true,
      ticket: { id: subject.id, version: subject.version, trial: false },
    };
    const state = this.#states.get(subject.id);
    if (!state) return closed;
    if (state.version !== subject.version) {
      this.#states.delete(subject.id);
      return closed;
    }
    if (state.openUntilMs === undefined) return closed;
    const leftMs = state.openUntilMs - this.#now();
    // While the trial runs the time left is unknown: a client asked to come back at once would only meet the
    // trial still running, so it is asked to wait a second.
    if (leftMs > 0 || state.trial)
      return { run: false, retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)) };
    const trial = { id: subject.id, version: subject.version, trial: true };
    state.trial = trial;
    return { run: true, ticket: trial };
  }

  /**
   * The end of a run admitted by `admit`: its outcome, or undefined when the run ended without one (a fault of
   * the host, not of the script), which counts neither way but frees the trial for the next request.
   */
  settle(ticket: BreakerTicket, outcome: ScriptOutcome | undefined): void {
    const state = this.#states.get(ticket.id);
    if (state && state.version !== ticket.version) return;
    if (ticket.trial) {
      if (!state || state.trial !== ticket) return;
      state.trial = undefined;
      if (outcome === undefined) return;
      if (outcome === 'ok') this.#states.delete(ticket.id);
      else this.#open(state, Math.min(state.openForMs * 2, this.#openMaxMs));
      return;
    }
    if (outcome === undefined || state?.openUntilMs !== undefined) return;
    if (outcome === 'ok') {
      this.#states.delete(ticket.id);
      return;
    }
    const faulted = state ?? this.#add(ticket);
    faulted.faults++;
    if (faulted.faults >= this.#faultsToOpen) this.#open(faulted, this.#openMs);
  }

  #open(state: State, forMs: number): void {
    state.openForMs = forMs;
    state.openUntilMs = this.#now() + forMs;
  }

  #add(ticket: BreakerTicket): State {
    const state: State = { version: ticket.version, faults: 0, openForMs: 0 };
    this.#states.set(ticket.id, state);
    while (this.#states.size > this.#maxResponders) {
      const oldest = this.#states.keys().next().value;
      if (oldest === undefined) break;
      this.#states.delete(oldest);
    }
    return state;
  }
}
