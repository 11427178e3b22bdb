// One execution in a prepared context: the context installed, the script run (compiled, or evaluated as a
// program), its promise driven to the end with the upstream calls it waits on, and the result decoded.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { contextFields } from './context.ts';
import { emptyScriptContext } from './empty-context.ts';
import { consumeFault, timeoutFault } from './fault-classify.ts';
import type { ContextRecord } from './guest/boundary.ts';
import type { GuestContext } from './guest-context.ts';
import { newArrayBuffer, oneEnded, settleEndedCalls } from './host-calls.ts';
import type { RunJob } from './protocol.ts';
import { decodeResult, type Outcome } from './result-decode.ts';
import { evaluateScript } from './script-source.ts';

type Called = ReturnType<QuickJSContext['callFunction']>;

/** @param compiled the script compiled as a function (module-pool.ts), or undefined to evaluate it */
export async function execute(
  guest: GuestContext,
  request: RunJob,
  compiled: QuickJSHandle | undefined,
): Promise<Outcome> {
  const { ctx, entries } = guest;
  const context = request.context ?? emptyScriptContext;
  const record: ContextRecord = {
    nowMs: request.nowMs ?? 0,
    fields: contextFields(context),
    secrets: request.secrets ?? {},
  };
  const json = ctx.newString(JSON.stringify(record));
  const body = newArrayBuffer(ctx, context.body);
  let ran: Called | undefined;
  try {
    if (compiled) ran = ctx.callFunction(entries.runScript, ctx.undefined, json, body, compiled);
    else {
      const installed = ctx.callFunction(entries.setContext, ctx.undefined, json, body);
      if (installed.error) return consumeFault(guest, installed.error, 'error');
      installed.value.dispose();
    }
  } finally {
    json.dispose();
    body.dispose();
  }
  if (ran) return outcomeOf(guest, ran);
  const evaluated = evaluateScript(ctx, request.script);
  if (evaluated.kind === 'syntax')
    return { outcome: 'syntax', message: evaluated.message, line: evaluated.line };
  if (evaluated.kind === 'thrown') return consumeFault(guest, evaluated.error, 'error');
  const called = evaluated.value.consume((value) => ctx.callFunction(entries.done, ctx.undefined, value));
  return outcomeOf(guest, called);
}

/** A call that returned the promise of a result (`done` in guest/core.ts), or threw. */
async function outcomeOf(guest: GuestContext, called: Called): Promise<Outcome> {
  if (called.error) return consumeFault(guest, called.error, 'error');
  const promise = called.value;
  try {
    return await settle(guest, promise);
  } finally {
    promise.dispose();
  }
}

/**
 * Runs the promise's jobs until it settles. With no job left but upstream calls open, waits (on this thread,
 * within the deadline) for one of them to end, settles its guest promise and goes on.
 */
async function settle(guest: GuestContext, promise: QuickJSHandle): Promise<Outcome> {
  const { runtime, ctx, state } = guest;
  for (;;) {
    const promiseState = ctx.getPromiseState(promise);
    if (promiseState.type === 'rejected') return consumeFault(guest, promiseState.error, 'error');
    if (promiseState.type === 'fulfilled') {
      const value = promiseState.value;
      try {
        if (state.interrupted) return timeoutFault;
        return decodeResult(guest, value);
      } finally {
        if (value !== promise) value.dispose();
      }
    }
    if (state.interrupted || Date.now() > state.deadline) return timeoutFault;
    if (!runtime.hasPendingJob()) {
      if (state.waiting.length === 0) return { outcome: 'unsettled' };
      if (!settleEndedCalls(ctx, state)) await oneEnded(state);
      continue;
    }
    const jobs = runtime.executePendingJobs(256);
    // A job that threw has already rejected its promise; the loop reads that state.
    if (jobs.error) jobs.error.dispose();
  }
}
