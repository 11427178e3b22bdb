// `npm start` (docs/contract.md §8): an embedded dynalite (or DYNAMODB_ENDPOINT), the demo namespace and RESPONDERS_FILE
// imported, and the local HTTP server in front of the same Lambda handlers. Call applyLambdaLikeEnv first.
import { managementDeps } from '../app/management.ts';
import { sandboxOptions } from '../app/sandbox.ts';
import { type WebhookRuntime, webhookRuntimeFor } from '../app/webhook.ts';
import { type Env, readLocalConfig } from '../config/read.ts';
import { buildConsole } from '../console/build.ts';
import { consolePath } from '../console/serve.ts';
import { createApiGatewayHandler } from '../http/api-gateway-handler.ts';
import { createManagementApiGatewayHandler } from '../http/management-handler.ts';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.ts';
import { createDynamoClients } from '../store/dynamodb/client.ts';
import { createTable } from '../store/table.ts';
import type { ScriptRunner } from '../webhook/handle-webhook.ts';
import { warmUpSandbox } from '../webhook/warm-up.ts';
import { demoCurlExamples, demoNamespace, demoResponders } from './demo.ts';
import { type LocalDynamo, startLocalDynamo } from './dynalite.ts';
import { localApiKeyLines, localApiKeys, registerLocalApiKeys } from './management-keys.ts';
import { checkSavedTests, importResponders, readRespondersFile } from './responders-file.ts';
import { type LocalRoute, startLocalServer } from './server.ts';

export interface StartLocalOptions {
  /** The environment to read the configuration from (lib/config); process.env by default. */
  env?: Env;
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
  const config = readLocalConfig(options.env);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { tableName, sandboxWorkers: poolSize } = config;
  // A bad RESPONDERS_FILE stops the start before anything runs or is written.
  const imported = config.respondersFile ? await readRespondersFile(config.respondersFile) : [];
  const apiKeys = localApiKeys(config);

  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    let endpoint = config.dynamodbEndpoint;
    if (endpoint) {
      const { client } = createDynamoClients({ endpoint });
      await createTable(client, tableName).finally(() => client.destroy());
    } else {
      const dynamo: LocalDynamo = await startLocalDynamo({
        tableName,
        ...(config.dataDir ? { dataDir: config.dataDir } : {}),
      });
      cleanups.push(() => dynamo.close());
      endpoint = dynamo.endpoint;
    }
    const sandbox = (options.createSandbox ?? createSandbox)(sandboxOptions(config, poolSize));
    cleanups.push(() => sandbox.close());
    const warming = warmUpSandbox(sandbox, poolSize);
    const consoleBuilt = buildConsole();
    // Awaited further down; a start that fails before then closes the sandbox under the warm-up, and neither
    // promise may then reject unobserved (awaiting them still throws what they throw).
    for (const early of [warming, consoleBuilt]) early.catch(() => {});
    const runtime = await webhookRuntimeFor({ ...config, dynamodbEndpoint: endpoint }, sandbox);
    cleanups.push(async () => runtime.stores.close());

    // A failing saved test stops the start before anything of the file is written.
    if (config.respondersFile) await checkSavedTests(config.respondersFile, imported, sandbox);
    await importResponders(runtime.stores.responders, {
      namespace: demoNamespace,
      responders: demoResponders,
    });
    for (const group of imported) {
      const { created, replaced } = await importResponders(runtime.stores.responders, group);
      print(`imported ${created + replaced} responders into ${group.namespace} (${replaced} replaced)`);
    }

    await registerLocalApiKeys(runtime.stores.keys, apiKeys);

    await warming;
    const consoleBundle = await consoleBuilt;
    // API Gateway sends /api to the management function; here the same handler shares this process's
    // definition cache, so a change made through /api is served at once.
    const management = createManagementApiGatewayHandler({
      ...managementDeps({
        stores: runtime.stores,
        sandbox,
        secretCipher: runtime.secretCipher,
        webhook: runtime,
      }),
      console: consoleBundle,
    });
    const routes: LocalRoute[] = [{ prefix: '/api', handler: management }];
    const server = await startLocalServer({
      host: config.host,
      port: config.port,
      routes,
      webhook: createApiGatewayHandler(runtime.deps),
    });
    cleanups.push(() => server.close());

    print(`listening on ${server.url}`);
    print(`console: ${server.url}${consolePath}`);
    print(
      `store: ${config.dynamodbEndpoint ? config.dynamodbEndpoint : `embedded dynalite (${config.dataDir ? `DATA_DIR ${config.dataDir}` : 'in memory'})`}`,
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
