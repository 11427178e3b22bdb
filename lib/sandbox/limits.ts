// The limits one execution runs under: the responder's, else the defaults, always within the caps.
import { defaultScriptLimits, deploymentCaps } from '../limits.ts';
import type { ScriptLimits } from './types.ts';

/** Below this a fresh context and the script API do not fit. */
export const memoryMinBytes = 1024 * 1024;
/** QuickJS's stack must stay well inside the worker's native stack (64 MiB, see pool.ts) and the module's own stack. */
export const stackRangeBytes = { min: 64 * 1024, max: 1024 * 1024 } as const;

export function resolveLimits(limits: Partial<ScriptLimits> | undefined): ScriptLimits {
  const clamp = (value: number | undefined, fallback: number, min: number, max: number) =>
    Math.min(max, Math.max(min, Math.floor(Number.isFinite(value) ? (value as number) : fallback)));
  return {
    memoryBytes: clamp(
      limits?.memoryBytes,
      defaultScriptLimits.memoryBytes,
      memoryMinBytes,
      deploymentCaps.memoryBytes,
    ),
    deadlineMs: clamp(limits?.deadlineMs, defaultScriptLimits.deadlineMs, 1, deploymentCaps.deadlineMs),
    stackBytes: clamp(
      limits?.stackBytes,
      defaultScriptLimits.stackBytes,
      stackRangeBytes.min,
      stackRangeBytes.max,
    ),
  };
}
