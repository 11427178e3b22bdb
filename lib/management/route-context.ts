// What a route of the management API is (the route table and the OpenAPI document both read it) and what its
// handler gets: the request, the dependencies, the caller's namespace and the path parameters.
import type { z } from 'zod';
import type { Responder } from '../responders/schema.ts';
import { responderNotFound } from './api-error.ts';
import type { ManagementDeps, ManagementRequest, ManagementResponse } from './types.ts';

export interface RouteContext {
  request: ManagementRequest;
  deps: ManagementDeps;
  /** The namespace of the caller's API key: the only one it may see or change. */
  namespace: string;
  params: Record<string, string>;
}

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ManagementRoute {
  method: RouteMethod;
  /** OpenAPI path template; `{id}` is a responder id, `{name}` a secret's name. */
  path: string;
  operationId: string;
  summary: string;
  /** False only for the OpenAPI document itself. */
  authenticated: boolean;
  body?: { schema: z.ZodType; required: boolean };
  query?: Record<string, { schema: z.ZodType; description: string }>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle(context: RouteContext): Promise<ManagementResponse>;
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
