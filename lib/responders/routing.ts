// Which responder answers a request (docs/contract.md §3). Pure: the caller hands in a namespace's responders.
//
// Order of the rules: the longest matching location wins; at equal length an exact location (`=`) beats a
// prefix (`^`); then a responder with the request's method beats one with `ANY`. Method is therefore the last
// tie-breaker: `^/a` ANY answers `GET /a/b` before `^/` GET does.
//
// A prefix location matches when it is a plain string prefix of the normalised request path, as in Secutils
// (`^/api` matches `/api`, `/api/x` and also `/apix`). Segment-aware matching would be stricter, but responders
// written for Secutils must keep matching the same URLs here, so we keep its semantics.
import type { HttpMethod, ResponderLocation } from './schema.ts';

export interface Routable {
  location: ResponderLocation;
  method: HttpMethod;
  enabled: boolean;
}

interface Route<T> {
  responder: T;
  /** Lower-cased location path, compared with the normalised request path. */
  path: string;
  exact: boolean;
  anyMethod: boolean;
  method: string;
}

/** A namespace's enabled responders in the order the rules above try them. Built once per cache load. */
export interface RouteTable<T> {
  readonly routes: readonly Route<T>[];
}

export function buildRouteTable<T extends Routable>(responders: readonly T[]): RouteTable<T> {
  const routes = responders
    // A disabled responder behaves as absent (docs/contract.md §2): a less specific enabled one may answer instead.
    .filter((responder) => responder.enabled)
    .map((responder) => ({
      responder,
      path: responder.location.path.toLowerCase(),
      exact: responder.location.pathType === '=',
      anyMethod: responder.method === 'ANY',
      method: responder.method,
    }))
    .sort(
      (a, b) =>
        b.path.length - a.path.length ||
        Number(b.exact) - Number(a.exact) ||
        Number(a.anyMethod) - Number(b.anyMethod),
    );
  return { routes };
}

/**
 * The request path as matching sees it: lower-cased, without trailing `/` (the root stays `/`). It is not
 * decoded here: API Gateway delivers `rawPath` decoded already (and so does the local server), and a second
 * decoding would match `/a%2525b` as `/a%b`.
 */
export function normalizeRequestPath(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 0x2f) end--;
  const trimmed = path.slice(0, end);
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).toLowerCase();
}

export function selectResponder<T>(table: RouteTable<T>, method: string, requestPath: string): T | undefined {
  const path = normalizeRequestPath(requestPath);
  const upperMethod = method.toUpperCase();
  for (const route of table.routes) {
    if (!route.anyMethod && route.method !== upperMethod) continue;
    if (route.exact ? route.path === path : path.startsWith(route.path)) return route.responder;
  }
  return undefined;
}
