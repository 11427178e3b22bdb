// A namespace's secrets (docs/contract.md §12): write, list (names and times only) and delete. A value goes in once, is
// encrypted before it reaches the store, and never comes out of this API again, not even in an error message.
import { z } from 'zod';
import { secretNameShape, secretValueMaxBytes } from '../limits.ts';
import type { ResponderSettings } from '../responders/schema.ts';
import { SecretLimitError } from '../store/errors.ts';
import { ApiError, invalidRequest } from './api-error.ts';
import { readJson, validate } from './json-body.ts';
import { json, noContent } from './responses.ts';
import type { RouteContext } from './route-context.ts';
import type { ManagementResponse, ManagementSecrets } from './types.ts';

export const secretValueSchema = z.strictObject({
  value: z
    .string({
      error: (issue) => (issue.input === undefined ? 'value: is required' : 'value: must be a string'),
    })
    .refine((value) => Buffer.byteLength(value, 'utf8') <= secretValueMaxBytes, {
      message: `value: must be at most ${secretValueMaxBytes} bytes (UTF-8)`,
    }),
});

export const secretListSchema = z.object({
  items: z.array(z.object({ name: z.string(), updatedAt: z.int().describe('unix seconds') })),
});

export async function listSecrets(context: RouteContext): Promise<ManagementResponse> {
  const stored = await secretsOf(context).store.list(context.namespace);
  return json(200, { items: stored.map(({ name, updatedAt }) => ({ name, updatedAt })) });
}

export async function putSecret(context: RouteContext): Promise<ManagementResponse> {
  const name = secretNameParam(context);
  const { value } = validate(secretValueSchema, readJson(context.request));
  const secrets = secretsOf(context);
  const ciphertext = await secrets.cipher.encrypt(value, { namespace: context.namespace, name });
  try {
    await secrets.store.put(context.namespace, name, ciphertext);
  } catch (error) {
    if (error instanceof SecretLimitError) throw invalidRequest(`name: ${error.message}; delete one first`);
    throw error;
  }
  secrets.invalidate?.(context.namespace);
  return noContent();
}

export async function deleteSecret(context: RouteContext): Promise<ManagementResponse> {
  const name = secretNameParam(context);
  const secrets = secretsOf(context);
  if (!(await secrets.store.delete(context.namespace, name)))
    throw new ApiError(404, 'not_found', `secret ${name} not found`);
  secrets.invalidate?.(context.namespace);
  return noContent();
}

/** A responder may only name secrets that exist when it is saved (or tried as a draft). */
export async function checkSecretNames(
  context: RouteContext,
  allowed: ResponderSettings['secrets'],
): Promise<void> {
  if (!Array.isArray(allowed) || allowed.length === 0) return;
  const existing = new Set((await secretsOf(context).store.list(context.namespace)).map(({ name }) => name));
  const missing = allowed.filter((name) => !existing.has(name));
  if (missing.length > 0)
    throw invalidRequest(`settings.secrets: no secret named ${missing.join(', ')} in this namespace`);
}

function secretNameParam(context: RouteContext): string {
  const name = context.params.name ?? '';
  if (!secretNameShape.test(name)) throw invalidRequest(`name: must match ${secretNameShape.source}`);
  return name;
}

function secretsOf(context: RouteContext): ManagementSecrets {
  if (!context.deps.secrets) throw new Error('this management API has no secret store');
  return context.deps.secrets;
}
