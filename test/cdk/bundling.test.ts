import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esmRequireBanner } from '../../cdk/bundle.ts';
import {
  bundledWasmFileName,
  bundledWorkerFileName,
  quickJsWasmSourcePath,
} from '../../cdk/sandbox-files.ts';
import { defaultBundleEntries, projectRoot } from '../../cdk/stack.ts';
import { openFunctionStores } from '../../lib/app/stores.ts';
import { bundledConsoleDirName, readConsoleBundle } from '../../lib/console/bundle.ts';
import { type LocalDynamo, startLocalDynamo } from '../../lib/local/dynalite.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { apiGatewayEvent } from '../support/events.ts';
import { buildTestStack } from './synth-stack.ts';

// The one test that bundles for real (local esbuild, no Docker): the real webhook and management handlers.
describe('the function bundles', () => {
  let outdir: string;
  /** Asset directory per function description. */
  let assetDirs: Map<string, string>;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'cdk-bundle-'));
    const { app, stack } = buildTestStack({ bundle: true, outdir, entries: defaultBundleEntries });
    app.synth();
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    assetDirs = new Map(
      functions.map((fn) => [
        String(fn.Properties.Description),
        path.join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`),
      ]),
    );
  }, 60_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  const dirs = () => [...assetDirs.values()];
  const dirOf = (kind: 'webhook' | 'management') =>
    [...assetDirs.entries()].find(([description]) =>
      description.includes(kind === 'webhook' ? 'webhook traffic' : 'management API'),
    )?.[1] as string;

  it('hold the ESM handler, the sandbox worker and the QuickJS WebAssembly side by side, with source maps; the management one the console too', () => {
    expect(assetDirs.size).toBe(2);
    const common = [
      bundledWasmFileName,
      'index.mjs',
      'index.mjs.map',
      bundledWorkerFileName,
      `${bundledWorkerFileName}.map`,
    ];
    expect(readdirSync(dirOf('webhook')).sort()).toEqual(common.sort());
    expect(readdirSync(dirOf('management')).sort()).toEqual([...common, bundledConsoleDirName].sort());
  });

  it('ship the WebAssembly the installed QuickJS package was built with', () => {
    const installed = readFileSync(path.join(projectRoot, quickJsWasmSourcePath));
    for (const dir of dirs()) {
      expect(readFileSync(path.join(dir, bundledWasmFileName)).equals(installed)).toBe(true);
    }
  });

  it('leave the AWS SDK out of both functions: they sign their own DynamoDB and KMS calls (lib/aws)', () => {
    for (const dir of dirs()) {
      const { sources } = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
      };
      expect(sources.some((source) => source.includes('lib/store/dynamodb/http-table-client.ts'))).toBe(true);
      expect(sources.filter((source) => /node_modules\/@(aws-sdk|smithy)\//.test(source))).toEqual([]);
    }
  });

  it('are ESM with `require` restored for bundled CommonJS code', () => {
    for (const dir of dirs()) {
      for (const file of ['index.mjs', bundledWorkerFileName]) {
        expect(readFileSync(path.join(dir, file), 'utf8').startsWith(esmRequireBanner)).toBe(true);
      }
    }
  });

  describe('loaded in a plain Node process, as Lambda loads them', () => {
    let dynamo: LocalDynamo;

    beforeAll(async () => {
      dynamo = await startLocalDynamo();
      const stores = openFunctionStores({ dynamodbEndpoint: dynamo.endpoint, tableName: dynamo.tableName });
      try {
        await stores.responders.create(
          'bundle',
          responderCreateSchema.parse({
            name: 'answer',
            location: { pathType: '=', path: '/answer' },
            method: 'GET',
            settings: {
              headers: [['content-type', 'application/json']],
              script:
                '(async () => ({ body: { answer: 6 * 7, who: context.query.who, sha: crypto.digest("sha256", "") .length } }))()',
            },
          }),
        );
      } finally {
        stores.client.destroy();
      }
    });

    afterAll(() => dynamo?.close());

    /** Imports `dir`/index.mjs in a fresh `node` (no test runner hooks) and sends it the events. */
    async function invoke(
      dir: string,
      events: unknown[],
    ): Promise<Array<{ statusCode: number; body: string }>> {
      const probeFile = path.join(outdir, `probe-${path.basename(dir)}.mjs`);
      writeFileSync(
        probeFile,
        `const { handler } = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});
         const results = [];
         for (const event of ${JSON.stringify(events)}) results.push(await handler(event));
         process.stdout.write('\\nRESULTS ' + JSON.stringify(results) + '\\n');
         process.exit(0);`,
      );
      const child = spawn(process.execPath, [probeFile], {
        env: {
          PATH: process.env.PATH,
          NODE_OPTIONS: '',
          TABLE_NAME: dynamo.tableName,
          DYNAMODB_ENDPOINT: dynamo.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const line = output.split('\n').find((l) => l.startsWith('RESULTS '));
      if (code !== 0 || !line) throw new Error(`the bundle failed (exit ${code}): ${output}`);
      return JSON.parse(line.slice('RESULTS '.length));
    }

    it('the webhook bundle runs a script in its sandbox worker from the wasm beside it, and answers 404 for an unknown namespace', async () => {
      const [answered, unknown] = await invoke(dirOf('webhook'), [
        apiGatewayEvent({ method: 'GET', rawPath: '/bundle/answer', rawQueryString: 'who=lambda' }),
        apiGatewayEvent({ method: 'GET', rawPath: '/nobody-here/answer' }),
      ]);
      expect(answered).toMatchObject({ statusCode: 200 });
      expect(JSON.parse(answered?.body ?? '')).toEqual({ answer: 42, who: 'lambda', sha: 32 });
      expect(unknown).toMatchObject({ statusCode: 404 });
    }, 30_000);

    it('the management bundle serves the web console and its assets from the files beside it', async () => {
      const consoleDir = path.join(dirOf('management'), bundledConsoleDirName);
      const [page] = await invoke(dirOf('management'), [
        apiGatewayEvent({ method: 'GET', rawPath: '/api/console' }),
      ]);
      expect(page).toMatchObject({ statusCode: 200 });
      const linked = (extension: string) =>
        new RegExp(`"/api/console/([^"]+\\${extension})"`).exec(page?.body ?? '')?.[1] as string;
      // The style sheet is small enough to come back whole through the probe's stdout; the script is checked by its ETag.
      const script = readConsoleBundle(consoleDir)?.assets.get(linked('.js'));
      const [style, scriptRevalidated] = await invoke(dirOf('management'), [
        apiGatewayEvent({ method: 'GET', rawPath: `/api/console/${linked('.css')}` }),
        apiGatewayEvent({
          method: 'GET',
          rawPath: `/api/console/${linked('.js')}`,
          headers: { 'if-none-match': script?.etag ?? 'none' },
        }),
      ]);
      expect(style).toMatchObject({ statusCode: 200 });
      expect(style?.body).toBe(readFileSync(path.join(consoleDir, linked('.css')), 'utf8'));
      expect(scriptRevalidated).toMatchObject({ statusCode: 304 });
    }, 30_000);

    it('the management bundle serves its OpenAPI document', async () => {
      const [openapi] = await invoke(dirOf('management'), [
        apiGatewayEvent({ method: 'GET', rawPath: '/api/openapi.json' }),
      ]);
      expect(openapi).toMatchObject({ statusCode: 200 });
      expect(JSON.parse(openapi?.body ?? '')).toHaveProperty('openapi');
    }, 30_000);
  });
});
