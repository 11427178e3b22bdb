// The request a script is tried against (SPEC §7 `--request FILE`): JSON
// `{method, path, rawQuery, headers, bodyBase64, clientAddress}`, every field optional; default `GET /`.
import { z } from 'zod';
import { type ScriptContext, scriptContext } from '../../lib/sandbox/index.ts';

export const tryRequestSchema = z.strictObject({
  method: z.string().min(1).default('GET'),
  path: z.string().startsWith('/').default('/'),
  rawQuery: z.string().default(''),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  bodyBase64: z.base64().default(''),
  clientAddress: z.string().nullable().default(null),
});

export type TryRequest = z.infer<typeof tryRequestSchema>;

/** One value per query key (the last wins); lower-case header names, repeated values joined with a comma. */
export function contextOf(request: TryRequest): ScriptContext {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(request.rawQuery)) query[key] = value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    headers[key] = key in headers ? `${headers[key]},${joined}` : joined;
  }
  return scriptContext({
    method: request.method.toUpperCase(),
    path: request.path,
    rawQuery: request.rawQuery,
    query,
    headers,
    body: new Uint8Array(Buffer.from(request.bodyBase64, 'base64')),
    clientAddress: request.clientAddress,
  });
}

/** A readable one-line reason from a zod error, naming the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
}
