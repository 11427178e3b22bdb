// Builds the console's front end (console/, Preact and CodeMirror) with esbuild into memory: one minified module
// script and one style sheet, named by content hash so they can be cached for a year. `npm start` builds at
// start; the CDK bundling writes the same build beside the management function (scripts/build-console.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type ConsoleBundle, consoleAsset, consoleBundle } from './bundle.ts';

export const consoleSourceDir = fileURLToPath(new URL('../../console/', import.meta.url));

export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [path.join(consoleSourceDir, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    // Nothing is written: the paths only name the outputs.
    outdir: '/console-out',
    write: false,
    // Licences stay in the files (MIT and friends ask for it) at the end, out of the way of the code.
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const assets = result.outputFiles.map((file) => consoleAsset(path.basename(file.path), file.text));
  const named = (extension: string) => {
    const asset = assets.find((candidate) => candidate.name.endsWith(extension));
    if (!asset) throw new Error(`the console build made no ${extension} file`);
    return asset.name;
  };
  return consoleBundle(assets, named('.js'), named('.css'));
}
