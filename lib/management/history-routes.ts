// A responder's tracked requests (SPEC §4, §5). The history is keyed by responder id alone, so the responder is
// looked up in the caller's namespace first: another namespace's history is a 404 like its responder.
import type { Responder } from '../responders/schema.ts';
import { responderNotFound } from './api-error.ts';
import { json, noContent } from './responses.ts';
import { type RouteContext, responderIdParam } from './route-context.ts';
import type { ManagementResponse } from './types.ts';

export async function ownResponder(context: RouteContext): Promise<Responder> {
  const id = responderIdParam(context);
  const responder = await context.deps.responders.get(context.namespace, id);
  if (!responder) throw responderNotFound(id);
  return responder;
}

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
