// A responder's tracked requests (docs/contract.md §4, §5), for responders of the caller's namespace only.
// 100 requests of 64 KiB bodies and headers pass Lambda's 6 MB answer, so the history comes in pages that fit.
import { itemsThatFit } from './answer-size.ts';
import { invalidRequest } from './api-error.ts';
import { validate } from './json-body.ts';
import { json, noContent } from './responses.ts';
import { ownResponder, type RouteContext } from './route-context.ts';
import { historyQuerySchema } from './schemas.ts';
import type { ManagementResponse } from './types.ts';

export async function listHistory(context: RouteContext): Promise<ManagementResponse> {
  const { nextToken } = validate(historyQuerySchema, context.request.query);
  const after = nextToken === undefined ? undefined : requestIdOf(nextToken);
  const responder = await ownResponder(context);
  const all = await context.deps.history.list(responder.id, responder.settings.requestsToTrack);
  // The token names the last request of the previous page. If it has left the ring since, so has every older
  // one (the ring drops its oldest first): the history has no more pages.
  const start = after === undefined ? 0 : all.findIndex((request) => request.id === after) + 1;
  const rest = after !== undefined && start === 0 ? [] : all.slice(start);
  const items = rest.slice(0, itemsThatFit(rest));
  const last = items.at(-1);
  return json(200, {
    items,
    ...(last && items.length < rest.length ? { nextToken: Buffer.from(last.id).toString('base64url') } : {}),
  });
}

function requestIdOf(token: string): string {
  const id = Buffer.from(token, 'base64url').toString('utf8');
  // Request ids are printable ASCII (API Gateway's, or the local server's UUIDs).
  if (!/^[\x21-\x7e]{1,200}$/.test(id) || Buffer.from(id).toString('base64url') !== token) {
    throw invalidRequest('nextToken: not a token this API issued');
  }
  return id;
}

export async function clearHistory(context: RouteContext): Promise<ManagementResponse> {
  const responder = await ownResponder(context);
  await context.deps.history.clear(responder.id);
  return noContent();
}
