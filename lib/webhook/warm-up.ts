// The first execution in a sandbox worker pays for starting the worker and compiling QuickJS (about a second
// in development, where the worker loads TypeScript). Paying it while the process starts keeps it off the
// first webhook caller's clock; in Lambda this runs in the INIT phase.
import type { ScriptRunner } from './handle-webhook.ts';

export async function warmUpSandbox(sandbox: ScriptRunner, workers: number): Promise<void> {
  const run = () =>
    sandbox.run({
      script: 'null',
      context: {
        method: 'GET',
        path: '/',
        rawQuery: '',
        query: {},
        headers: {},
        body: new Uint8Array(0),
        clientAddress: null,
      },
      defaults: { statusCode: 200, headers: [], body: new Uint8Array(0) },
    });
  await Promise.all(Array.from({ length: workers }, run));
}
