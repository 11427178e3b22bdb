// Shared helpers for the sandbox suites: a request context, the responder defaults and text of a body.
import { vi } from 'vitest';
import type { ResponseDefaults, ScriptContext, ScriptRun } from '../../lib/sandbox/index.ts';

export function requestContext(overrides: Partial<ScriptContext> = {}): ScriptContext {
  return {
    method: 'POST',
    path: '/github/push',
    rawQuery: 'name=ada&name=grace&lang=js',
    query: { name: 'grace', lang: 'js' },
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
    body: new TextEncoder().encode('{"ref":"refs/heads/main"}'),
    clientAddress: '203.0.113.7:51234',
    ...overrides,
  };
}

export const defaults: ResponseDefaults = {
  statusCode: 202,
  headers: [['content-type', 'application/json']],
  body: new TextEncoder().encode('{"default":true}'),
};

export function scriptRun(script: string, overrides: Partial<ScriptRun> = {}): ScriptRun {
  return { script, context: requestContext(), defaults, ...overrides };
}

export function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

/**
 * Never returns to QuickJS's interrupt check and would run for hours: only the host's hard stop ends it, so a test
 * that fakes the pool's timers decides when it ends.
 */
export const stuckInNativeCode = 'Array.prototype.lastIndexOf.call({ length: 2 ** 40 }, 1)';

/** Fakes the timers the pool's hard stop uses (the workers keep real time); undo with `vi.useRealTimers()`. */
export function fakeHardStopClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
}
