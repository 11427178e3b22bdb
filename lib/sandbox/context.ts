// The global `context` a script sees, shaped as Secutils shapes it (SPEC §3): `JSON.stringify(context)` gives
// Secutils' bytes only with its key order and with `rawQuery` and `clientAddress` left out, not empty, when
// the request has none.
import type { ScriptContext } from './types.ts';

/** A request as the host keeps it, where `""` is no query and `null` an unknown caller address. */
export interface ContextSource extends Omit<ScriptContext, 'rawQuery' | 'clientAddress'> {
  rawQuery?: string | undefined;
  clientAddress?: string | null | undefined;
}

export function scriptContext(request: ContextSource): ScriptContext {
  return { ...contextFields(request), body: request.body };
}

/** The context without its body, in Secutils' key order whatever order the caller built it in. */
export function contextFields(context: Omit<ContextSource, 'body'>): Omit<ScriptContext, 'body'> {
  const { clientAddress, method, headers, path, rawQuery, query } = context;
  return {
    ...(clientAddress === undefined || clientAddress === null ? {} : { clientAddress }),
    method,
    headers,
    path,
    ...(rawQuery === undefined || rawQuery === '' ? {} : { rawQuery }),
    query,
  };
}
