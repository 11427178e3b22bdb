// The sandbox worker's entry: runs one execution at a time for the pool on the main thread. Bundled for
// Lambda as `sandbox-worker.mjs` (see files.ts).
import { parentPort } from 'node:worker_threads';
import { UpstreamClient } from '../forwarding/client.ts';
import { defaultScriptLimits } from '../limits.ts';
import { Engine } from './engine.ts';
import type { WorkerInit, WorkerRequest } from './protocol.ts';
import { lowerThreadPriority } from './thread-priority.ts';

const port = parentPort;
if (!port) throw new Error('lib/sandbox/worker.ts runs as a worker thread only');

// The first message carries the compiled WebAssembly (compiled once by the pool while this thread started).
let queue: Promise<void> | undefined;
let engine: Engine;
port.on('message', (message: WorkerInit | WorkerRequest) => {
  if (!queue) {
    const init = message as WorkerInit;
    if (init.confinedLane) lowerThreadPriority();
    // The HTTP client lives in this thread: a hard stop (the thread terminated) closes its sockets too.
    const upstream = new UpstreamClient({ allowPrivate: init.upstreamAllowPrivate });
    engine = new Engine(init.wasmModule, init.heapStartBytes, upstream);
    queue = engine.prepareIdle(defaultScriptLimits.memoryBytes).then(() => port.postMessage({ ready: true }));
    return;
  }
  const request = message as WorkerRequest;
  queue = queue.then(() => handle(request));
});

async function handle(request: WorkerRequest): Promise<void> {
  if (request.kind === 'check') {
    port?.postMessage({ id: request.id, check: await engine.checkSyntax(request.script) });
    return;
  }
  const answer = await engine.run(request);
  const body = answer.body;
  const ownsBuffer =
    body !== undefined && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  port?.postMessage(answer, ownsBuffer ? [body.buffer as ArrayBuffer] : []);
  setImmediate(() => {
    void engine.idle(request.limits.memoryBytes);
  });
}
