// The management core (docs/contract.md §5): a plain request in, a plain response out. The route table decides which
// handler runs; every route but the OpenAPI document needs a key, checked before the route is even looked at,
// so a caller without a valid key learns nothing about what exists. Refusals are ApiErrors with their own
// status; a store that cannot be reached is 503, anything else unexpected 500, never with a stack trace.
import type { Logger } from '@aws-lambda-powertools/logger';
import { isConsolePath, serveConsole } from '../console/serve.ts';
import { authenticate } from '../keys/authenticate.ts';
import { logger as defaultLogger } from '../metrics/powertools.ts';
import { responderIdShape } from '../responders/id.ts';
import { ApiError, unauthorized } from './api-error.ts';
import { errorResponse } from './responses.ts';
import type { ManagementRoute } from './route-context.ts';
import { managementRoutes } from './routes.ts';
import type { ManagementDeps, ManagementRequest, ManagementResponse } from './types.ts';

interface Match {
  route: ManagementRoute;
  params: Record<string, string>;
}

export async function handleManagement(
  request: ManagementRequest,
  deps: ManagementDeps,
  log: Logger = defaultLogger,
): Promise<ManagementResponse> {
  // The console's page and assets are public and static: no key, no route table, no log line per asset.
  if (isConsolePath(request.path)) return serveConsole(request, deps.console);
  let response: ManagementResponse;
  let keyPrefix: string | undefined;
  let namespace: string | undefined;
  let route: string | undefined;
  try {
    const matches = matchPath(request.path);
    const match = matches.find((candidate) => candidate.route.method === request.method.toUpperCase());
    route = match?.route.operationId;
    if (match && !match.route.authenticated) {
      response = await match.route.handle({ request, deps, namespace: '', params: match.params });
    } else {
      const identity = await authenticate(request.headers.authorization, deps.keys);
      if (!identity) throw unauthorized();
      ({ keyPrefix, namespace } = identity);
      if (matches.length === 0)
        throw new ApiError(404, 'not_found', `no route ${request.method} ${request.path}`);
      if (!match) {
        const allow = matches.map((candidate) => candidate.route.method).join(', ');
        throw new ApiError(
          405,
          'method_not_allowed',
          `${request.method} is not allowed here (allowed: ${allow})`,
          {
            allow,
          },
        );
      }
      response = await match.route.handle({
        request,
        deps,
        namespace: identity.namespace,
        params: match.params,
      });
    }
  } catch (error) {
    response = errorResponse(asApiError(error, request, log));
  }
  log.info('management request', {
    requestId: request.requestId,
    method: request.method,
    route: route ?? request.path,
    statusCode: response.statusCode,
    ...(keyPrefix ? { keyPrefix, namespace } : {}),
  });
  // docs/contract.md §5: on every answer, so no browser reads a stored name or a tracked request as HTML.
  return { ...response, headers: { ...response.headers, 'x-content-type-options': 'nosniff' } };
}

function matchPath(rawPath: string): Match[] {
  // A trailing slash is ignored, as on the public path.
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
  const segments = path.split('/');
  const matches: Match[] = [];
  for (const route of managementRoutes) {
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = template.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part === '{id}') {
        params.id = segment;
        return responderIdShape.test(segment);
      }
      // Any name reaches the route, which refuses a bad one with a 400 naming it (docs/contract.md §12).
      if (part === '{name}') {
        params.name = segment;
        return segment !== '';
      }
      return part === segment;
    });
    if (fits) matches.push({ route, params });
  }
  return matches;
}

function asApiError(error: unknown, request: ManagementRequest, log: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (isStoreUnavailable(error)) {
    log.error('management store unavailable', { requestId: request.requestId, error });
    return new ApiError(503, 'unavailable', 'the store is unavailable, please retry');
  }
  log.error('management request failed', { requestId: request.requestId, error });
  return new ApiError(500, 'internal', 'internal error');
}

/** AWS service errors (the SDK's and lib/aws's) carry `$metadata`; network failures carry a system error code. */
function isStoreUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = (error as NodeJS.ErrnoException).code;
  return '$metadata' in error || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
}
