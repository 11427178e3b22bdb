// The context of a request with nothing in it: a `GET /` without query, headers or body. Used where the host
// runs a script for its own sake (warming a worker, preparing a snapshot), never for a caller's request.
import type { ScriptContext } from './types.ts';

export const emptyScriptContext: ScriptContext = {
  method: 'GET',
  headers: {},
  path: '/',
  query: {},
  body: new Uint8Array(0),
};
