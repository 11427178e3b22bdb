// Files the sandbox loads from beside the handler bundle at run time: the names come from lib/sandbox, which
// starts its worker and reads the QuickJS WebAssembly by them, relative to the handler bundle.
import { bundledWasmFileName, bundledWorkerFileName, wasmPackageName } from '../lib/sandbox/files.ts';

export { bundledWasmFileName, bundledWorkerFileName };

/** Where npm puts the WebAssembly of the QuickJS variant the sandbox uses, relative to the project root. */
export const quickJsWasmSourcePath = `node_modules/${wasmPackageName}/dist/emscripten-module.wasm`;
