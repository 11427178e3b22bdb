// Lambda handler for the public webhook traffic (API Gateway HTTP API, payload 2.0). Thin: everything is
// built once per process (stores, definition cache, sandbox) from the configuration (lib/config: TABLE_NAME,
// DYNAMODB_ENDPOINT, DEFINITION_CACHE_TTL_MS, SECRETS_KMS_KEY_ID (the stack's key, Decrypt only),
// FORWARD_ALLOW_PRIVATE (never set by the stack)) and each event goes through the shared adapter -> core ->
// adapter path.
import { sandboxOptions } from '../lib/app/sandbox.ts';
import { readFunctionConfig } from '../lib/config/read.ts';
import { mapBundleStackTraces } from '../lib/metrics/bundle-stack-traces.ts';
import { createSandbox } from '../lib/sandbox/index.ts';

mapBundleStackTraces(import.meta.url);
const config = readFunctionConfig();

// One execution at a time per Lambda environment (one request per environment), so one sandbox worker.
// Started before the rest of the handler is evaluated: the worker's own start (about 50 ms on Node 20) then
// overlaps the evaluation of the handler's modules and Powertools instead of following it.
const sandbox = createSandbox(sandboxOptions(config, 1));
const [{ createApiGatewayHandler }, { webhookRuntimeFor }, { warmUpStore }] = await Promise.all([
  import('../lib/http/api-gateway-handler.ts'),
  import('../lib/app/webhook.ts'),
  import('../lib/webhook/warm-up.ts'),
]);
const runtime = await webhookRuntimeFor(config, sandbox);
// No warm-up execution in the sandbox: its worker prepares its context as it starts, and an execution here
// (compile, snapshot, run, restore of a script no request runs) cost more CPU than it spared the first event
// (cold start to the first answer 10-21 ms less CPU without it, and no later).
await warmUpStore(runtime.definitions);

export const handler = createApiGatewayHandler(runtime.deps);
