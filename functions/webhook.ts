// Lambda handler for the public webhook traffic (API Gateway HTTP API, payload 2.0). Thin: everything is
// built once per process (stores, definition cache, sandbox) and each event goes through the shared
// adapter -> core -> adapter path. Environment: TABLE_NAME, DYNAMODB_ENDPOINT, DEFINITION_CACHE_TTL_MS.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createApiGatewayHandler } from '../lib/http/api-gateway-handler.ts';
import { metrics } from '../lib/metrics/powertools.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { createWebhookRuntime, storeSettingsFromEnv } from '../lib/webhook/runtime.ts';
import { warmUpSandbox, warmUpStore } from '../lib/webhook/warm-up.ts';

// One execution at a time per Lambda environment (one request per environment), so one sandbox worker.
const sandbox = createSandbox({ poolSize: 1 });
const runtime = createWebhookRuntime({ ...storeSettingsFromEnv(), sandbox });
const handleEvent = createApiGatewayHandler(runtime.deps);
await Promise.all([warmUpSandbox(sandbox, 1), warmUpStore(runtime.definitions)]);

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  // Emits the ColdStart metric once per environment (Powertools tracks the first call itself).
  metrics.captureColdStartMetric();
  return handleEvent(event);
}
