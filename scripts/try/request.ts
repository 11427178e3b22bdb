// The request a script is tried against (docs/contract.md §7 `--request FILE`): JSON
// `{method, path, rawQuery, headers, bodyBase64, clientAddress}`, every field optional; default `GET /`. The
// fields follow the dry run's rules (`testRequestSchema`), and headers and query are read as the server reads them.
import { z } from 'zod';
import { base64ToBytes } from '../../lib/base64.ts';
import { type TestRequest, testRequestSchema } from '../../lib/management/schemas.ts';
import { describeIssues } from '../../lib/responders/describe-issues.ts';
import { type ScriptContext, scriptContext } from '../../lib/sandbox/index.ts';
import { headerRecord, parseQuery } from '../../lib/webhook/request-fields.ts';

/** Parsed under `request`, so an error names the field as the dry run's does (`request.path: …`). */
const requestFileSchema = z.strictObject({ request: testRequestSchema });

/** A request file's JSON, or the reason it is refused, naming the field. */
export function readRequest(json: unknown): { request: TestRequest } | { error: string } {
  const parsed = requestFileSchema.safeParse({ request: json });
  return parsed.success ? { request: parsed.data.request } : { error: describeIssues(parsed.error) };
}

export const defaultRequest: TestRequest = testRequestSchema.parse({});

export function contextOf(request: TestRequest): ScriptContext {
  return scriptContext({
    method: (request.method ?? 'GET').toUpperCase(),
    path: request.path ?? '/',
    rawQuery: request.rawQuery,
    query: parseQuery(request.rawQuery),
    headers: headerRecord(request.headers),
    body: base64ToBytes(request.bodyBase64),
    clientAddress: request.clientAddress,
  });
}
