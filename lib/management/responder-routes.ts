// List, create, read, replace and delete responders (docs/contract.md §5). Every change is validated in full (schema,
// then the script's syntax) before the store is called, so nothing is written on any error; after a write
// this process forgets the namespace's cached definitions, other processes pick it up within their cache TTL.
//
// Moving a responder (a PUT with another location or method) needs no transaction and has no moment where the
// old and the new route both answer, or neither does: public routing reads only definition items, never the
// route claims, and the definition (with its location and method) is replaced by ONE conditional PutItem,
// which DynamoDB applies atomically. The store claims the new route before that Put (so no other responder can
// take it meanwhile; if it is taken, the PUT is a 409 and nothing changed) and releases the old claim only
// after it (so no other responder can take the old route while this one may still be served from it).
// A reader therefore sees either the whole old definition or the whole new one.

import { responderCreateSchema } from '../responders/schema.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { InvalidPageTokenError, ResponderConflictError, ResponderNotFoundError } from '../store/errors.ts';
import { itemsThatFit } from './answer-size.ts';
import { ApiError, invalidRequest, responderNotFound } from './api-error.ts';
import { readJson, validate } from './json-body.ts';
import { json, noContent } from './responses.ts';
import { ownResponder, type RouteContext, responderIdParam } from './route-context.ts';
import { requirePassingTests } from './saved-tests.ts';
import { listQuerySchema, readOnlyResponderFields, responderReplaceSchema } from './schemas.ts';
import { checkSecretNames } from './secret-routes.ts';
import type { ManagementResponse } from './types.ts';

export async function listResponders(context: RouteContext): Promise<ManagementResponse> {
  const query = validate(listQuerySchema, context.request.query);
  const pageOf = (limit: number | undefined) =>
    context.deps.responders.list(context.namespace, {
      ...(limit !== undefined ? { limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
  try {
    let page = await pageOf(query.limit);
    // 50 responders with 1 MiB bodies pass Lambda's 6 MB answer: a page that does not fit is asked for again,
    // shorter, so that its nextToken follows its last item. Each round asks for fewer, down to one.
    for (let fit = itemsThatFit(page.items); fit < page.items.length; fit = itemsThatFit(page.items)) {
      page = await pageOf(fit);
    }
    return json(200, page);
  } catch (error) {
    if (error instanceof InvalidPageTokenError) throw invalidRequest(error.message);
    throw error;
  }
}

export async function createResponder(context: RouteContext): Promise<ManagementResponse> {
  const body = readJson(context.request);
  for (const field of readOnlyResponderFields) {
    if (body !== null && typeof body === 'object' && field in body) {
      throw invalidRequest(`${field}: read-only, assigned by the server`);
    }
  }
  const input = validate(responderCreateSchema, body);
  await checkScript(context.deps.sandbox, input.settings.script);
  await checkSecretNames(context, input.settings.secrets);
  await requirePassingTests(context, input);
  try {
    const created = await context.deps.responders.create(context.namespace, input);
    context.deps.definitions?.invalidate(context.namespace);
    return json(201, created, { location: `/api/responders/${created.id}` });
  } catch (error) {
    throw conflictOrRethrow(error);
  }
}

export async function getResponder(context: RouteContext): Promise<ManagementResponse> {
  return json(200, await ownResponder(context));
}

export async function replaceResponder(context: RouteContext): Promise<ManagementResponse> {
  const id = responderIdParam(context);
  const {
    id: sentId,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...update
  } = validate(responderReplaceSchema, readJson(context.request));
  if (sentId !== undefined && sentId !== id)
    throw invalidRequest(`id: ${sentId} does not match the URL (${id})`);
  await checkScript(context.deps.sandbox, update.settings.script);
  await checkSecretNames(context, update.settings.secrets);
  // The stored responder must exist (404 before 422), and the caller's version is checked by the write itself.
  await ownResponder(context);
  await requirePassingTests(context, update);
  try {
    const updated = await context.deps.responders.update(context.namespace, id, update);
    context.deps.definitions?.invalidate(context.namespace);
    return json(200, updated);
  } catch (error) {
    if (error instanceof ResponderNotFoundError) throw responderNotFound(id);
    throw conflictOrRethrow(error);
  }
}

export async function deleteResponder(context: RouteContext): Promise<ManagementResponse> {
  const id = responderIdParam(context);
  const deleted = await context.deps.responders.delete(context.namespace, id);
  if (!deleted) throw responderNotFound(id);
  context.deps.definitions?.invalidate(context.namespace);
  return noContent();
}

/** A script that cannot compile is refused on save, with the line (docs/contract.md §5), rather than failing every request. */
async function checkScript(sandbox: Pick<Sandbox, 'checkSyntax'>, script: string | undefined): Promise<void> {
  if (script === undefined) return;
  const check = await sandbox.checkSyntax(script);
  if (!check.ok) {
    throw new ApiError(
      400,
      'invalid_script',
      `settings.script: syntax error: ${check.message} (line ${check.line})`,
    );
  }
}

function conflictOrRethrow(error: unknown): unknown {
  if (!(error instanceof ResponderConflictError)) return error;
  return error.reason === 'route'
    ? new ApiError(409, 'route_conflict', `location, method: ${error.message}`)
    : new ApiError(409, 'version_conflict', `version: ${error.message}`);
}
