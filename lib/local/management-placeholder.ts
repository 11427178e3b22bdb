// Stands at /api until the management API (SPEC §5) is plugged into the local server's routes.
import type { ApiGatewayHandler } from '../http/api-gateway-handler.ts';

export const managementPlaceholder: ApiGatewayHandler = async () => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    error: { code: 'not_found', message: 'the management API is not part of this build' },
  }),
});
