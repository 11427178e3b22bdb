// Bundled by bench/sandbox.ts as a Lambda bundle would be (index.mjs + sandbox-worker.mjs + the wasm) and run
// in a fresh process: prints when the entry began running and when the first execution finished.
import { createSandbox } from '../lib/sandbox/index.ts';

const entryStartedMs = performance.now();
const sandbox = createSandbox();
const execution = await sandbox.run({
  script: "(async () => ({ body: { hello: context.query.name ?? 'anon' } }))();",
  context: {
    method: 'GET',
    path: '/',
    rawQuery: '',
    query: {},
    headers: {},
    body: new Uint8Array(),
    clientAddress: null,
  },
  defaults: { statusCode: 200, headers: [], body: new Uint8Array() },
});
const firstExecutionMs = performance.now();
process.stdout.write(`${JSON.stringify({ entryStartedMs, firstExecutionMs, outcome: execution.outcome })}\n`);
await sandbox.close();
