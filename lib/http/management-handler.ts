// The management API as an API Gateway HTTP API (payload 2.0) handler: adapter in, core, adapter out.
// functions/management.ts exports it for Lambda; the local server mounts the very same function at /api.
// The request side reuses the webhook adapter (headers, query and body are read the same way); only the path
// is kept whole, since `/api` is not a namespace.
import type { Logger } from '@aws-lambda-powertools/logger';
import { handleManagement } from '../management/handle-management.ts';
import type { ManagementDeps } from '../management/types.ts';
import { webhookRequestFromEvent } from './api-gateway-event.ts';
import type { ApiGatewayHandler } from './api-gateway-handler.ts';

export function createManagementApiGatewayHandler(deps: ManagementDeps, log?: Logger): ApiGatewayHandler {
  return async (event) => {
    const { requestId, method, query, headers, body } = webhookRequestFromEvent(event);
    const response = await handleManagement(
      { requestId, method, path: event.rawPath ?? '/', query, headers, body },
      deps,
      log,
    );
    return {
      statusCode: response.statusCode,
      headers: response.headers,
      ...(response.body !== undefined
        ? { body: response.body, isBase64Encoded: response.isBase64Encoded ?? false }
        : {}),
    };
  };
}
