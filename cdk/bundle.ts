// How a sandbox function is bundled: the handler and the sandbox worker as minified ESM side by side, with the
// QuickJS WebAssembly copied beside them. One source for CDK (NodejsFunction and its afterBundling hook), the
// bundling test and the cold-start benchmark, so what is measured is what is deployed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { bundledConsoleDirName } from '../lib/console/bundle.ts';
import { bundledWasmFileName, bundledWorkerFileName, quickJsWasmSourcePath } from './sandbox-files.ts';

export const esbuildTarget = 'node22';

/**
 * The QuickJS wasmfile variant breaks in a CommonJS bundle (`createRequire(undefined)`), so the bundles are ESM;
 * the CommonJS dependencies bundled into them still call `require`, which ESM lacks: this banner gives it back.
 */
export const esmRequireBanner =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The esbuild settings of both bundles, in NodejsFunction's terms (`bundling`) and as esbuild flags below. */
export const bundleSettings = {
  target: esbuildTarget,
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  minify: true,
  // Read when a logged error's stack trace is first formatted (lib/metrics/bundle-stack-traces.ts), not at start.
  sourceMap: true,
  // Stack traces need the mappings only; the sources would double the bundle for nothing.
  sourcesContent: false,
} as const;

/** esbuild command-line arguments that bundle `entry` into `outfile` with `bundleSettings`. */
export function esbuildArgs(entry: string, outfile: string): string[] {
  return [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--target=${bundleSettings.target}`,
    `--main-fields=${bundleSettings.mainFields.join(',')}`,
    ...(bundleSettings.minify ? ['--minify'] : []),
    ...(bundleSettings.sourceMap ? ['--sourcemap'] : []),
    `--sources-content=${bundleSettings.sourcesContent}`,
    '--log-level=warning',
    `--banner:js=${bundleSettings.banner}`,
    `--outfile=${outfile}`,
  ];
}

/** Shell commands (run by bash in `inputDir`) that put the sandbox worker and the QuickJS WebAssembly beside the handler. */
export function sandboxAssetCommands(
  inputDir: string,
  outputDir: string,
  relativeWorkerEntry: string,
): string[] {
  const esbuild = path.join(inputDir, 'node_modules', '.bin', 'esbuild');
  const buildWorker = [
    esbuild,
    ...esbuildArgs(path.join(inputDir, relativeWorkerEntry), path.join(outputDir, bundledWorkerFileName)),
  ];
  const copyWasm = [
    'cp',
    path.join(inputDir, quickJsWasmSourcePath),
    path.join(outputDir, bundledWasmFileName),
  ];
  return [buildWorker, copyWasm].map((argv) => argv.map(shellQuote).join(' '));
}

/** Shell commands (run by bash in `inputDir`) that build the web console (docs/contract.md §11) beside the handler. */
export function consoleAssetCommands(inputDir: string, outputDir: string): string[] {
  const argv = [
    path.join(inputDir, 'node_modules', '.bin', 'tsx'),
    path.join(inputDir, 'scripts', 'build-console.ts'),
    path.join(outputDir, bundledConsoleDirName),
  ];
  return [argv.map(shellQuote).join(' ')];
}

function shellQuote(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

export interface LocalBundle {
  dir: string;
  handler: string;
}

/**
 * Bundles a sandbox function into `outDir` without CDK (the benchmarks): `index.mjs` with the same esbuild
 * settings as NodejsFunction uses, then the same worker and wasm steps as the afterBundling hook.
 */
export function bundleSandboxFunction(options: {
  projectRoot: string;
  entry: string;
  sandboxWorkerEntry: string;
  outDir: string;
}): LocalBundle {
  const { projectRoot, outDir } = options;
  mkdirSync(outDir, { recursive: true });
  const esbuild = path.join(projectRoot, 'node_modules', '.bin', 'esbuild');
  const handler = path.join(outDir, 'index.mjs');
  execFileSync(esbuild, esbuildArgs(options.entry, handler), { cwd: projectRoot, stdio: 'inherit' });
  execFileSync(esbuild, esbuildArgs(options.sandboxWorkerEntry, path.join(outDir, bundledWorkerFileName)), {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  copyFileSync(path.join(projectRoot, quickJsWasmSourcePath), path.join(outDir, bundledWasmFileName));
  return { dir: outDir, handler };
}
