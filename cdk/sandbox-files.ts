// Files the sandbox loads from beside the handler bundle at run time. The names must match the ones lib/sandbox
// exports as `bundledWorkerFileName` and `bundledWasmFileName`: the sandbox starts its worker and reads the
// QuickJS WebAssembly by these names, relative to the handler bundle.

export const bundledWorkerFileName = 'sandbox-worker.mjs';
export const bundledWasmFileName = 'emscripten-module.wasm';

/** Where npm puts the WebAssembly of the QuickJS variant the sandbox uses, relative to the project root. */
export const quickJsWasmSourcePath =
  'node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm';
