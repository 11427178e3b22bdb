// The sandbox options of a process, from its configuration. Imports nothing of AWS (nor does createSandbox):
// the webhook handler starts its worker with these before it evaluates the SDK (functions/webhook.ts).
import type { SandboxOptions } from '../sandbox/index.ts';

export function sandboxOptions(config: { forwardAllowPrivate: boolean }, poolSize: number): SandboxOptions {
  return { poolSize, upstreamAllowPrivate: config.forwardAllowPrivate };
}
