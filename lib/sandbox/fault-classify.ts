// Why a script failed, told from the execution's own state first (QuickJS reports an interrupt as an ordinary
// error), then from the error itself through the guest's fault helpers (guest/faults.ts).
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import type { GuestContext } from './guest-context.ts';
import type { ScriptOutcome } from './types.ts';

export type Fault = { outcome: ScriptOutcome; message?: string };

export const timeoutFault: Fault = { outcome: 'timeout' };
export const memoryFault: Fault = { outcome: 'memory' };
export const stackFault: Fault = { outcome: 'stack' };

/** What a failure that is not a limit counts as: the script's own error, or its result's. */
export type Otherwise = 'error' | 'invalid';

const messageMaxChars = 1_000;
function capMessage(message: string): string {
  return message.length > messageMaxChars ? `${message.slice(0, messageMaxChars)}…` : message;
}

/** Classifies the error and disposes of its handle. */
export function consumeFault(
  guest: GuestContext,
  error: QuickJSHandle,
  otherwise: Otherwise,
  invalidPrefix?: string,
): Fault {
  return error.consume((e) => classify(guest, e, otherwise, invalidPrefix));
}

export function classify(
  guest: GuestContext,
  error: QuickJSHandle,
  otherwise: Otherwise,
  invalidPrefix = 'reading the result threw: ',
): Fault {
  const { ctx, state } = guest;
  if (state.interrupted) return timeoutFault;
  const faults = guest.faults();
  if (!faults) return memoryFault;
  const kind = ctx.callFunction(faults.errorKind, ctx.undefined, error);
  if (kind.error) {
    kind.error.dispose();
    return state.interrupted ? timeoutFault : memoryFault;
  }
  const faultKind = kind.value.consume((h) => ctx.getString(h));
  if (faultKind === 'memory') return memoryFault;
  if (faultKind === 'stack') return { outcome: 'stack' };
  const described = ctx.callFunction(faults.describeError, ctx.undefined, error);
  if (described.error) {
    described.error.dispose();
    return state.interrupted ? timeoutFault : { outcome: otherwise, message: '[unreadable error]' };
  }
  const message = capMessage(JSON.parse(described.value.consume((h) => ctx.getString(h))) as string);
  if (state.interrupted) return timeoutFault;
  return { outcome: otherwise, message: otherwise === 'invalid' ? `${invalidPrefix}${message}` : message };
}
