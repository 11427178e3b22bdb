// Lambda handler for the management API (`/api/*`, API Gateway HTTP API, payload 2.0). Thin: stores, key store
// and sandbox (syntax checks and dry runs) are built once per environment from the configuration (lib/config:
// TABLE_NAME, DYNAMODB_ENDPOINT, SECRETS_KMS_KEY_ID (the stack's key: Encrypt for writes, Decrypt for dry
// runs)); each event goes through the shared adapter -> core -> adapter path.
// This function has no definition cache of its own to forget: the webhook function's cache expires on its TTL.

import { fileURLToPath } from 'node:url';
import { managementDeps } from '../lib/app/management.ts';
import { sandboxOptions } from '../lib/app/sandbox.ts';
import { openFunctionStores } from '../lib/app/stores.ts';
import { readFunctionConfig } from '../lib/config/read.ts';
import { bundledConsoleDirName, readConsoleBundle } from '../lib/console/bundle.ts';
import { createManagementApiGatewayHandler } from '../lib/http/management-handler.ts';
import { mapBundleStackTraces } from '../lib/metrics/bundle-stack-traces.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { secretCipherFor } from '../lib/secrets/index.ts';

mapBundleStackTraces(import.meta.url);
const config = readFunctionConfig();

export const handler = createManagementApiGatewayHandler({
  ...managementDeps({
    stores: openFunctionStores(config),
    // One request at a time per Lambda environment, so one sandbox worker.
    sandbox: createSandbox(sandboxOptions(config, 1)),
    secretCipher: await secretCipherFor(config),
  }),
  // Written beside the bundle by the CDK bundling (cdk/stack.ts); absent when this file runs unbundled.
  console: readConsoleBundle(fileURLToPath(new URL(`./${bundledConsoleDirName}/`, import.meta.url))),
});
