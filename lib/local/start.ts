// `npm start` (docs/contract.md §8): an embedded dynalite (or DYNAMODB_ENDPOINT), the demo namespace and RESPONDERS_FILE
// imported, and the local HTTP server in front of the same Lambda handlers. Call applyLambdaLikeEnv first.
import { availableParallelism } from 'node:os';
import { buildConsole } from '../console/build.ts';
import { consolePath } from '../console/serve.ts';
import { upstreamAllowPrivateFromEnv } from '../forwarding/settings.ts';
import { createApiGatewayHandler } from '../http/api-gateway-handler.ts';
import { createManagementApiGatewayHandler } from '../http/management-handler.ts';
import { DynamoApiKeyStore } from '../keys/key-store.ts';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.ts';
import { managementSecrets, secretCipherFromEnv } from '../secrets/index.ts';
import { createDynamoClients } from '../store/dynamodb/client.ts';
import { createTable } from '../store/table.ts';
import type { ScriptRunner } from '../webhook/handle-webhook.ts';
import { createWebhookRuntime, definitionCacheTtlFromEnv, type WebhookRuntime } from '../webhook/runtime.ts';
import { warmUpSandbox } from '../webhook/warm-up.ts';
import { demoCurlExamples, demoNamespace, demoResponders } from './demo.ts';
import { type LocalDynamo, startLocalDynamo } from './dynalite.ts';
import { localApiKeyLines, localApiKeysFromEnv, registerLocalApiKeys } from './management-keys.ts';
import { checkSavedTests, importResponders, readRespondersFile } from './responders-file.ts';
import { type LocalRoute, startLocalServer } from './server.ts';

export interface StartLocalOptions {
  env?: NodeJS.ProcessEnv;
  /** Defaults to the QuickJS sandbox with one worker per CPU. */
  createSandbox?: (options: SandboxOptions) => ScriptRunner & Pick<Sandbox, 'checkSyntax' | 'close'>;
  /** Where the ready line and the examples go (stdout by default). */
  print?: (line: string) => void;
}

export interface LocalApp {
  url: string;
  runtime: WebhookRuntime;
  close(): Promise<void>;
}

export async function startLocal(options: StartLocalOptions = {}): Promise<LocalApp> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const port = parsePort(env.PORT);
  const poolSize = sandboxWorkersFromEnv(env.SANDBOX_WORKERS);
  const host = env.HOST || '127.0.0.1';
  const tableName = env.TABLE_NAME || 'webhook-responders';
  const definitionCacheTtlMs = definitionCacheTtlFromEnv(env);
  const breaker = scriptBreakerFromEnv(env.SCRIPT_BREAKER);
  const upstreamAllowPrivate = upstreamAllowPrivateFromEnv(env);
  // A bad RESPONDERS_FILE stops the start before anything runs or is written.
  const imported = env.RESPONDERS_FILE ? await readRespondersFile(env.RESPONDERS_FILE) : [];
  const apiKeys = localApiKeysFromEnv(env);

  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    let endpoint = env.DYNAMODB_ENDPOINT;
    if (endpoint) {
      const { client } = createDynamoClients({ endpoint });
      await createTable(client, tableName).finally(() => client.destroy());
    } else {
      const dynamo: LocalDynamo = await startLocalDynamo({
        tableName,
        ...(env.DATA_DIR ? { dataDir: env.DATA_DIR } : {}),
      });
      cleanups.push(() => dynamo.close());
      endpoint = dynamo.endpoint;
    }
    const sandbox = (options.createSandbox ?? createSandbox)({ poolSize, upstreamAllowPrivate });
    cleanups.push(() => sandbox.close());
    const warming = warmUpSandbox(sandbox, poolSize);
    const consoleBuilt = buildConsole();
    const runtime = createWebhookRuntime({
      tableName,
      endpoint,
      sandbox,
      definitionCacheTtlMs,
      breaker,
      secretCipher: await secretCipherFromEnv(env),
    });
    cleanups.push(async () => runtime.stores.clients.client.destroy());

    // A failing saved test stops the start before anything of the file is written.
    if (env.RESPONDERS_FILE) await checkSavedTests(env.RESPONDERS_FILE, imported, sandbox);
    await importResponders(runtime.stores.responders, {
      namespace: demoNamespace,
      responders: demoResponders,
    });
    for (const group of imported) {
      const { created, replaced } = await importResponders(runtime.stores.responders, group);
      print(`imported ${created + replaced} responders into ${group.namespace} (${replaced} replaced)`);
    }

    const keys = new DynamoApiKeyStore({ documents: runtime.stores.clients.documents, tableName });
    await registerLocalApiKeys(keys, apiKeys);

    await warming;
    const consoleBundle = await consoleBuilt;
    // API Gateway sends /api to the management function; here the same handler shares this process's
    // definition cache, so a change made through /api is served at once.
    const management = createManagementApiGatewayHandler({
      responders: runtime.stores.responders,
      history: runtime.stores.history,
      keys,
      sandbox,
      definitions: runtime.definitions,
      secrets: managementSecrets(runtime.stores.secrets, runtime.secretCipher, (namespace) =>
        runtime.secrets.invalidate(namespace),
      ),
      console: consoleBundle,
    });
    const routes: LocalRoute[] = [{ prefix: '/api', handler: management }];
    const server = await startLocalServer({
      host,
      port,
      routes,
      webhook: createApiGatewayHandler(runtime.deps),
    });
    cleanups.push(() => server.close());

    print(`listening on ${server.url}`);
    print(`console: ${server.url}${consolePath}`);
    print(
      `store: ${env.DYNAMODB_ENDPOINT ? env.DYNAMODB_ENDPOINT : `embedded dynalite (${env.DATA_DIR ? `DATA_DIR ${env.DATA_DIR}` : 'in memory'})`}`,
    );
    print('try the demo namespace:');
    for (const example of demoCurlExamples(server.url)) print(`  ${example}`);
    for (const line of localApiKeyLines(server.url, apiKeys)) print(line);
    return { url: server.url, runtime, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * One worker per core keeps every core busy with scripts; more workers let benign requests go on while a
 * bad tenant's scripts hold workers until their deadlines.
 */
function sandboxWorkersFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return availableParallelism();
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`SANDBOX_WORKERS must be an integer 1..64, not ${value}`);
  return workers;
}

/** `SCRIPT_BREAKER=off` turns the circuit breaker off, for load tests that want every failing script to run. */
function scriptBreakerFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`SCRIPT_BREAKER must be on or off, not ${value}`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0..65535, not ${value}`);
  return port;
}
