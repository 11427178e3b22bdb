// Where the sandbox's worker entry and the QuickJS WebAssembly file are, in development and when bundled.
//
// Bundled for Lambda, one directory holds `index.mjs` (the handler, which contains this module),
// `sandbox-worker.mjs` (lib/sandbox/worker.ts bundled on its own) and `emscripten-module.wasm`.
// Under tsx or vitest the TypeScript worker runs through tsx and the wasm comes from the package.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file name the bundler must give lib/sandbox/worker.ts, beside the bundle that imports lib/sandbox. */
export const bundledWorkerFileName = 'sandbox-worker.mjs';
/** The QuickJS WebAssembly file to copy beside the bundles. */
export const bundledWasmFileName = 'emscripten-module.wasm';
/** The package the wasm file comes from (copy `dist/emscripten-module.wasm` of it). */
export const wasmPackageName = '@jitl/quickjs-wasmfile-release-sync';

/** What `new Worker()` gets: the bundled file, or in development a bootstrap that loads the TypeScript through tsx. */
export interface WorkerEntry {
  source: string;
  eval: boolean;
}

export function workerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  const bundled = join(dirname(fileURLToPath(moduleUrl)), bundledWorkerFileName);
  if (existsSync(bundled)) return { source: bundled, eval: false };
  // `execArgv: ['--import', 'tsx']` does not reach a worker's own module loading on Node 20, so register
  // tsx's hooks in the worker first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', moduleUrl).href;
  return {
    source: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`,
    eval: true,
  };
}

export function wasmFilePath(moduleUrl: string = import.meta.url): string {
  const beside = join(dirname(fileURLToPath(moduleUrl)), bundledWasmFileName);
  if (existsSync(beside)) return beside;
  // Not createRequire: a bundle banner that defines `require` with it would clash with a second import.
  return fileURLToPath(import.meta.resolve(`${wasmPackageName}/wasm`));
}
