// The sandbox worker's entry: runs one execution at a time for the pool on the main thread. Bundled for
// Lambda as `sandbox-worker.mjs` (see files.ts).
import { parentPort } from 'node:worker_threads';
import { UpstreamClient } from '../forwarding/client.ts';
import { defaultScriptLimits } from '../limits.ts';
import { Engine } from './engine.ts';
import type { FromWorker, InitMessage, JobMessage, ToWorker } from './protocol.ts';
import { lowerThreadPriority } from './thread-priority.ts';

const port = parentPort;
if (!port) throw new Error('lib/sandbox/worker.ts runs as a worker thread only');
const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

// Jobs wait for the engine, which the init message (the compiled WebAssembly, compiled once by the pool while
// this thread started) makes.
let queue: Promise<Engine> | undefined;
port.on('message', (message: ToWorker) => {
  if (message.kind === 'init') {
    queue = start(message);
    return;
  }
  if (!queue) throw new Error('a job came before the init message');
  queue = queue.then(async (engine) => {
    await handle(engine, message);
    return engine;
  });
});

async function start(init: InitMessage): Promise<Engine> {
  if (init.confinedLane) lowerThreadPriority();
  // The HTTP client lives in this thread: a hard stop (the thread terminated) closes its sockets too.
  const upstream = new UpstreamClient({ allowPrivate: init.upstreamAllowPrivate });
  const engine = new Engine(init.wasmModule, init.layout, upstream);
  await engine.prepareIdle(defaultScriptLimits.memoryBytes);
  reply({ kind: 'ready' });
  return engine;
}

async function handle(engine: Engine, job: JobMessage): Promise<void> {
  if (job.kind === 'check') {
    reply({ kind: 'checked', id: job.id, check: await engine.checkSyntax(job.script) });
    return;
  }
  const answer = await engine.run(job);
  const body = answer.body;
  const ownsBuffer =
    body !== undefined && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  reply({ kind: 'ran', id: job.id, answer }, ownsBuffer ? [body.buffer as ArrayBuffer] : []);
  setImmediate(() => {
    void engine.idle(job.limits.memoryBytes);
  });
}
