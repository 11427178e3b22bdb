// Scripts that recently ran out of time. The pool runs them on its last worker only: a tenant whose script
// keeps hitting its deadline then holds up that one worker, and the others keep serving everyone else.
// Keyed by the script's text (the same string object per cached definition, so its hash is computed once).
import { confinedScriptsMax, timedOutScriptConfinedMs } from '../limits.ts';

export class Confinement {
  /** Script -> when it last timed out (ms), oldest first. */
  private readonly timedOutAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  has(script: string): boolean {
    const at = this.timedOutAt.get(script);
    if (at === undefined) return false;
    if (this.now() - at < timedOutScriptConfinedMs) return true;
    this.timedOutAt.delete(script);
    return false;
  }

  add(script: string): void {
    this.timedOutAt.delete(script);
    this.timedOutAt.set(script, this.now());
    if (this.timedOutAt.size > confinedScriptsMax) {
      this.timedOutAt.delete(this.timedOutAt.keys().next().value as string);
    }
  }
}
