// The priority of the current thread. Linux keeps a nice value per thread, and setpriority() given a thread
// id changes that thread alone; /proc/thread-self names the calling thread's id. Elsewhere (no /proc, or an
// id that is not a process) nothing changes.
import { readlinkSync } from 'node:fs';
import { confinedWorkerNiceness } from '../limits.ts';

/** Lowers the calling thread's priority to `confinedWorkerNiceness`; it cannot be raised again without privileges. */
export function lowerThreadPriority(): void {
  const id = currentThreadId();
  if (id === undefined) return;
  // node:os only here: a worker that confines nothing (a pool of one) does not load it.
  const { getPriority, setPriority } = process.getBuiltinModule('node:os');
  try {
    if (getPriority(id) < confinedWorkerNiceness) setPriority(id, confinedWorkerNiceness);
  } catch {
    // Not permitted or not a thread id here: the thread keeps its priority.
  }
}

/** The kernel's id of the calling thread, where /proc says it. */
export function currentThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
