import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSettings } from '../../cdk/bundle.ts';

const mapperModule = path.resolve(import.meta.dirname, '../../lib/metrics/bundle-stack-traces.ts');

// A bundle built with the functions' esbuild settings that throws from line 5 of its source and prints the stack.
const entrySource = `import { mapBundleStackTraces } from ${JSON.stringify(mapperModule)};
mapBundleStackTraces(import.meta.url);

function failDeep(): never {
  throw new TypeError('boom in the handler');
}

try {
  failDeep();
} catch (error) {
  process.stdout.write(String((error as Error).stack));
}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stack-traces-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Bundles the entry into a directory of its own: `index.mjs` with `index.mjs.map` beside it. */
function bundleOf(name: string): { entry: string; bundle: string } {
  const entry = path.join(dir, name, 'entry.ts');
  const bundle = path.join(dir, name, 'index.mjs');
  mkdirSync(path.dirname(entry));
  writeFileSync(entry, entrySource);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    sourcemap: true,
    sourcesContent: bundleSettings.sourcesContent,
    outfile: bundle,
    logLevel: 'warning',
  });
  return { entry, bundle };
}

/** The stack the bundle prints in a fresh node without NODE_OPTIONS, as the functions run it. */
function stackOf(bundle: string): string {
  const run = spawnSync(process.execPath, [bundle], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  expect(run.status).toBe(0);
  return run.stdout;
}

describe('stack traces of a minified bundle', () => {
  it('name the TypeScript source, line and column of each frame in the bundle', () => {
    const { entry, bundle } = bundleOf('mapped');
    const stack = stackOf(bundle);
    expect(stack.startsWith('TypeError: boom in the handler\n    at ')).toBe(true);
    expect(stack).toContain(`${entry}:5:9`);
    expect(stack).not.toContain(`${bundle}:`);
  });

  it('stay as V8 writes them when the map is not valid JSON, without failing the error', () => {
    const { entry, bundle } = bundleOf('corrupt-map');
    writeFileSync(`${bundle}.map`, '{ not a source map');
    const stack = stackOf(bundle);
    expect(stack.startsWith('TypeError: boom in the handler\n    at ')).toBe(true);
    expect(stack).toContain(`file://${bundle}:`);
    expect(stack).not.toContain(entry);
  });

  it('stay as V8 writes them when there is no map beside the bundle', () => {
    const { entry, bundle } = bundleOf('no-map');
    rmSync(`${bundle}.map`);
    const stack = stackOf(bundle);
    expect(stack).toContain(`file://${bundle}:`);
    expect(stack).not.toContain(entry);
  });
});
