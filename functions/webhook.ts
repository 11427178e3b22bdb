// Lambda handler for the public webhook traffic (API Gateway HTTP API, payload 2.0). Thin: everything is
// built once per process (stores, definition cache, sandbox) and each event goes through the shared
// adapter -> core -> adapter path. Environment: TABLE_NAME, DYNAMODB_ENDPOINT, DEFINITION_CACHE_TTL_MS.
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { createWebhookRuntime, storeSettingsFromEnv } from '../lib/webhook/runtime.ts';
import { warmUpSandbox } from '../lib/webhook/warm-up.ts';

// One execution at a time per Lambda environment (one request per environment), so one sandbox worker.
const sandbox = createSandbox({ poolSize: 1 });
const runtime = createWebhookRuntime({ ...storeSettingsFromEnv(), sandbox });
await warmUpSandbox(sandbox, 1);

export const handler = createApiGatewayHandler(runtime.deps);
