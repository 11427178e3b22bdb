import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundledWasmFileName,
  bundledWorkerFileName,
  quickJsWasmSourcePath,
} from '../../cdk/sandbox-files.ts';
import { esmRequireBanner } from '../../cdk/sandbox-function.ts';
import { projectRoot } from '../../cdk/stack.ts';
import { buildTestStack } from './synth-stack.ts';

// The one test that bundles for real (local esbuild, no Docker), against the fixture handler and worker.
describe('the function bundles', () => {
  let outdir: string;
  let assetDirs: string[];

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'cdk-bundle-'));
    const { app, stack } = buildTestStack({ bundle: true, outdir });
    app.synth();
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    assetDirs = functions.map((fn) =>
      path.join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`),
    );
  }, 30_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('hold the ESM handler, the sandbox worker and the QuickJS WebAssembly side by side, with source maps', () => {
    expect(assetDirs).toHaveLength(2);
    for (const dir of assetDirs) {
      expect(readdirSync(dir).sort()).toEqual(
        [
          bundledWasmFileName,
          'index.mjs',
          'index.mjs.map',
          bundledWorkerFileName,
          `${bundledWorkerFileName}.map`,
        ].sort(),
      );
    }
  });

  it('ship the WebAssembly the installed QuickJS package was built with', () => {
    const installed = readFileSync(path.join(projectRoot, quickJsWasmSourcePath));
    for (const dir of assetDirs) {
      expect(readFileSync(path.join(dir, bundledWasmFileName)).equals(installed)).toBe(true);
    }
  });

  it('are ESM with `require` restored for bundled CommonJS code', () => {
    for (const dir of assetDirs) {
      for (const file of ['index.mjs', bundledWorkerFileName]) {
        expect(readFileSync(path.join(dir, file), 'utf8').startsWith(esmRequireBanner)).toBe(true);
      }
    }
  });

  it('load in Node: the handler answers and sees its sandbox files, the worker runs QuickJS from the bundled wasm', () => {
    const dir = assetDirs[0] as string;
    const probe = `
      import { Worker } from 'node:worker_threads';
      const { handler } = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});
      const answer = await handler();
      const worker = new Worker(${JSON.stringify(path.join(dir, bundledWorkerFileName))});
      const message = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      await worker.terminate();
      console.log(JSON.stringify({ answer, message }));`;
    const probeFile = path.join(outdir, 'probe.mjs');
    writeFileSync(probeFile, probe);
    // A plain Node process, as Lambda runs it: no test runner hooks in NODE_OPTIONS.
    const output = execFileSync(process.execPath, [probeFile], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(JSON.parse(output)).toEqual({
      answer: { statusCode: 200, body: JSON.stringify({ worker: true, wasm: true }) },
      message: 42,
    });
  });
});
