// JSON answers of the management API. Nothing here is cacheable: a definition changes with every write.
import type { ApiError } from './api-error.ts';
import type { ManagementResponse } from './types.ts';

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(
  statusCode: number,
  value: unknown,
  headers: Record<string, string> = {},
): ManagementResponse {
  return { statusCode, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(value) };
}

export function noContent(): ManagementResponse {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
}

export function errorResponse(error: ApiError): ManagementResponse {
  const details = error.details === undefined ? {} : { details: error.details };
  return json(
    error.statusCode,
    { error: { code: error.code, message: error.message, ...details } },
    error.headers,
  );
}
