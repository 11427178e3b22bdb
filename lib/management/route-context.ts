// What a route handler gets: the request, the dependencies, the caller's namespace and the path parameters.
import type { Responder } from '../responders/schema.ts';
import { responderNotFound } from './api-error.ts';
import type { ManagementDeps, ManagementRequest } from './types.ts';

export interface RouteContext {
  request: ManagementRequest;
  deps: ManagementDeps;
  /** The namespace of the caller's API key: the only one it may see or change. */
  namespace: string;
  params: Record<string, string>;
}

/** The `{id}` of the route; the router only lets ids of the responder id alphabet through. */
export function responderIdParam(context: RouteContext): string {
  const id = context.params.id;
  if (id === undefined) throw new Error('route without {id}');
  return id;
}

/**
 * The `{id}` responder, looked up in the caller's namespace only: another namespace's responder is a 404, and so
 * is everything below it (history, dry run), since the history is keyed by responder id alone.
 */
export async function ownResponder(context: RouteContext): Promise<Responder> {
  const id = responderIdParam(context);
  const responder = await context.deps.responders.get(context.namespace, id);
  if (!responder) throw responderNotFound(id);
  return responder;
}
