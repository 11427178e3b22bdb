// A responder's tracked requests (docs/contract.md §4, §5), for responders of the caller's namespace only.
import { json, noContent } from './responses.ts';
import { ownResponder, type RouteContext } from './route-context.ts';
import type { ManagementResponse } from './types.ts';

export async function listHistory(context: RouteContext): Promise<ManagementResponse> {
  const responder = await ownResponder(context);
  const items = await context.deps.history.list(responder.id, responder.settings.requestsToTrack);
  return json(200, { items });
}

export async function clearHistory(context: RouteContext): Promise<ManagementResponse> {
  const responder = await ownResponder(context);
  await context.deps.history.clear(responder.id);
  return noContent();
}
