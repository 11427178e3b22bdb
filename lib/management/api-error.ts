// Every refusal of the management API is one of these, answered as `{"error": {"code", "message"}}` (docs/contract.md §5).

export type ApiErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_script'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'route_conflict'
  | 'version_conflict'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'tests_failed'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers, e.g. `allow` on 405 or `www-authenticate` on 401. */
    readonly headers: Record<string, string> = {},
    /** Structured detail beside the message (e.g. each failed saved test: docs/contract.md §9). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'missing or invalid API key (Authorization: Bearer <key>)', {
    'www-authenticate': 'Bearer',
  });

export const responderNotFound = (id: string) => new ApiError(404, 'not_found', `responder ${id} not found`);

export const invalidRequest = (message: string) => new ApiError(400, 'invalid_request', message);
