// The scripts a module keeps compiled, each in a snapshot of its own (~0.4 MB each): a script that runs again
// is not compiled again. Most recently used last; the oldest goes first.
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import type { HeapSnapshot } from './heap-snapshot.ts';

/** Scripts kept compiled per module. */
export const maxCompiledScripts = 8;

export interface CompiledScript {
  snapshot: HeapSnapshot;
  /** Lives in the snapshot's memory: valid whenever that snapshot has been put back. */
  run: QuickJSHandle;
}

/** What `get` says of a script not seen (or no longer kept). */
export const notCompiled = Symbol('not compiled');

/** By script source; generic only so that the eviction order can be tested without a module. */
export class CompiledScripts<Compiled = CompiledScript> {
  /** `undefined` for a script that compiles only as a program (it is evaluated on every run). */
  private readonly known = new Map<string, Compiled | undefined>();

  get size(): number {
    return this.known.size;
  }

  get(script: string): Compiled | undefined | typeof notCompiled {
    if (!this.known.has(script)) return notCompiled;
    const compiled = this.known.get(script);
    this.known.delete(script);
    this.known.set(script, compiled);
    return compiled;
  }

  set(script: string, compiled: Compiled | undefined): void {
    this.known.set(script, compiled);
    for (const oldest of this.known.keys()) {
      if (this.known.size <= maxCompiledScripts) break;
      this.known.delete(oldest);
    }
  }
}
