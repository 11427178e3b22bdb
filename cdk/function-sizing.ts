// Lambda memory and timeout, derived from the sandbox's deployment caps so that raising a cap resizes the functions.
import { deploymentCaps, hardStopGraceMs } from '../lib/limits.ts';

/** API Gateway HTTP APIs give up on an integration after 30 s; a Lambda that runs longer only burns money. */
export const apiIntegrationTimeoutMs = 30_000;

/** Time a request spends outside the script: reading the responder, writing history and metrics. */
const storeRoundTripsMarginMs = 3_000;

/** Node.js with the AWS SDK, Powertools and the handler bundle loaded, before any sandbox exists. */
const nodeBaselineMiB = 128;
/** A sandbox worker thread's own V8 isolate and its 16 MB native stack, besides the WebAssembly memory. */
const workerOverheadMiB = 16;
/**
 * Lambda hands out CPU in proportion to memory (1,769 MB is one vCPU). Scripts are CPU-bound, so the floor is
 * set for CPU, not for bytes: at 1,024 MB a function gets about 0.58 vCPU, at the ~290 MB the bytes alone need
 * it would get a sixth of one and every script would take over three times as long against the same deadline.
 */
const cpuShareFloorMiB = 1_024;

export interface FunctionSizing {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
}

export function functionSizing(
  caps: { memoryBytes: number; deadlineMs: number } = deploymentCaps,
): FunctionSizing {
  const timeoutSeconds = Math.ceil((caps.deadlineMs + hardStopGraceMs + storeRoundTripsMarginMs) / 1000);
  if (timeoutSeconds * 1000 >= apiIntegrationTimeoutMs) {
    throw new Error(
      `The script deadline cap (${caps.deadlineMs} ms) leaves no room under API Gateway's ${apiIntegrationTimeoutMs} ms integration timeout.`,
    );
  }
  const sandboxMiB = Math.ceil(caps.memoryBytes / (1024 * 1024)) + workerOverheadMiB;
  // A sandbox being rebuilt after a hard stop can overlap with the one being torn down: room for two.
  const memoryMiB = Math.max(cpuShareFloorMiB, nodeBaselineMiB + 2 * sandboxMiB);
  return { memoryMiB, timeoutSeconds };
}
