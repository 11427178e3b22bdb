// The sandbox bundled as the Lambda function bundles it (SandboxFunction in cdk/): an ESM handler bundle with
// the `require` banner, the worker bundled on its own as sandbox-worker.mjs and the wasm beside them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmFilePath } from '../../lib/sandbox/files.ts';
import { bundledWasmFileName, bundledWorkerFileName } from '../../lib/sandbox/index.ts';

/** Only a hang reaches it: a loaded machine starts the bundle in seconds. */
const spawnTimeoutMs = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'sandbox-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The banner cdk/sandbox-function.ts gives its bundles (CommonJS dependencies call `require`).
const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

describe('the bundled sandbox', { timeout: 2 * spawnTimeoutMs }, () => {
  it('loads beside its worker and wasm and stops a stuck script', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { createSandbox } from ${JSON.stringify(join(import.meta.dirname, '../../lib/sandbox/index.ts'))};
const sandbox = createSandbox();
const context = { method: 'GET', path: '/', rawQuery: '', query: {}, headers: {}, body: new Uint8Array(), clientAddress: null };
const defaults = { statusCode: 200, headers: [], body: new Uint8Array() };
const first = await sandbox.run({ script: "({ body: 'bundled ' + context.method })", context, defaults });
const stuck = await sandbox.run({ script: 'Array.prototype.join.call({ length: 2 ** 31 })', context, defaults, limits: { deadlineMs: 100 } });
const after = await sandbox.run({ script: "({ body: 'after' })", context, defaults });
console.log(JSON.stringify([new TextDecoder().decode(first.body), stuck.outcome, stuck.recycled, new TextDecoder().decode(after.body)]));
await sandbox.close();
`,
    );
    const common = {
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: banner },
    } as const;
    await build({ ...common, entryPoints: [entry], outfile: join(dir, 'index.mjs') });
    await build({
      ...common,
      entryPoints: [join(import.meta.dirname, '../../lib/sandbox/worker.ts')],
      outfile: join(dir, bundledWorkerFileName),
    });
    copyFileSync(wasmFilePath(), join(dir, bundledWasmFileName));

    const child = spawnSync(process.execPath, [join(dir, 'index.mjs')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: spawnTimeoutMs,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual(['bundled GET', 'timeout', 'hard-stop', 'after']);
  });
});
