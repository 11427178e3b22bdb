// Lambda handler for the management API (`/api/*`, API Gateway HTTP API, payload 2.0). Thin: stores, key store
// and sandbox (syntax checks and dry runs) are built once per environment; each event goes through the shared
// adapter -> core -> adapter path. Environment: TABLE_NAME, DYNAMODB_ENDPOINT,
// SECRETS_KMS_KEY_ID (the stack's key: Encrypt for writes, Decrypt for dry runs).
// This function has no definition cache of its own to forget: the webhook function's cache expires on its TTL.
import { fileURLToPath } from 'node:url';
import { bundledConsoleDirName, readConsoleBundle } from '../lib/console/bundle.ts';
import { upstreamAllowPrivateFromEnv } from '../lib/forwarding/settings.ts';
import { createManagementApiGatewayHandler } from '../lib/http/management-handler.ts';
import { DynamoApiKeyStore } from '../lib/keys/key-store.ts';
import { mapBundleStackTraces } from '../lib/metrics/bundle-stack-traces.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { managementSecrets, secretCipherFromEnv } from '../lib/secrets/index.ts';
import { createStores } from '../lib/store/index.ts';
import { storeSettingsFromEnv } from '../lib/webhook/runtime.ts';

mapBundleStackTraces(import.meta.url);
const { tableName, endpoint } = storeSettingsFromEnv();
const stores = createStores({ tableName, ...(endpoint ? { endpoint } : {}) });

export const handler = createManagementApiGatewayHandler({
  responders: stores.responders,
  history: stores.history,
  keys: new DynamoApiKeyStore({ documents: stores.clients.documents, tableName }),
  // One request at a time per Lambda environment, so one sandbox worker.
  sandbox: createSandbox({ poolSize: 1, upstreamAllowPrivate: upstreamAllowPrivateFromEnv() }),
  secrets: managementSecrets(stores.secrets, await secretCipherFromEnv()),
  // Written beside the bundle by the CDK bundling (cdk/stack.ts); absent when this file runs unbundled.
  console: readConsoleBundle(fileURLToPath(new URL(`./${bundledConsoleDirName}/`, import.meta.url))),
});
