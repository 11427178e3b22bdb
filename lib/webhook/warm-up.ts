// The first execution in a sandbox worker pays for starting the worker and compiling QuickJS (about a second
// in development, where the worker loads TypeScript). Paying it while the process starts keeps it off the
// first webhook caller's clock (npm start). The Lambda function warms only the store: there the CPU time to
// the first answer counts, and a warm-up execution added to it (functions/webhook.ts).

import type { DefinitionCache } from '../responders/definition-cache.ts';
import { reservedNamespace } from '../responders/namespace.ts';
import { emptyScriptContext } from '../sandbox/index.ts';
import type { ScriptRunner } from './handle-webhook.ts';

export async function warmUpSandbox(sandbox: ScriptRunner, workers: number): Promise<void> {
  const run = () =>
    sandbox.run({
      script: 'null',
      context: emptyScriptContext,
      defaults: { statusCode: 200, headers: [], body: new Uint8Array(0) },
    });
  await Promise.all(Array.from({ length: workers }, run));
}

/**
 * The store client's first request opens its kept-alive connection (TCP and, against AWS, TLS) and runs its
 * signing and marshalling code for the first time. One Query for the reserved namespace, which never holds
 * responders and which the webhook path never looks up, pays for that in INIT while the sandbox worker starts, not
 * on the first caller's clock. A failure is left to the first request to report.
 */
export async function warmUpStore(definitions: Pick<DefinitionCache, 'lookup'>): Promise<void> {
  try {
    await definitions.lookup(reservedNamespace);
  } catch {
    // The first webhook request meets the same fault and answers 503.
  }
}
