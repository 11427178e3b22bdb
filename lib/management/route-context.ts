// What a route handler gets: the request, the dependencies, the caller's namespace and the path parameters.
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
