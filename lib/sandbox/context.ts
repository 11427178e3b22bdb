// The global `context` a script sees, shaped as Secutils shapes it (docs/contract.md §3): `JSON.stringify(context)` gives
// Secutils' bytes only with its key order and with `rawQuery` and `clientAddress` left out, not empty, when
// the request has none.
import type { ScriptContext } from './types.ts';

/** A request as the host keeps it, where `""` is no query and `null` an unknown caller address. */
export interface ContextSource extends Omit<ScriptContext, 'rawQuery' | 'clientAddress'> {
  rawQuery?: string | undefined;
  clientAddress?: string | null | undefined;
}

export function scriptContext(request: ContextSource): ScriptContext {
  const context = contextFields(request) as ScriptContext;
  context.body = request.body;
  return context;
}

/**
 * The context without its body, in Secutils' key order whatever order the caller built it in. Assigned one by
 * one: object spreads here cost microseconds a request.
 */
export function contextFields(source: Omit<ContextSource, 'body'>): Omit<ScriptContext, 'body'> {
  const fields = {} as Omit<ScriptContext, 'body'>;
  if (source.clientAddress !== undefined && source.clientAddress !== null) {
    fields.clientAddress = source.clientAddress;
  }
  fields.method = source.method;
  fields.headers = source.headers;
  fields.path = source.path;
  if (source.rawQuery !== undefined && source.rawQuery !== '') fields.rawQuery = source.rawQuery;
  fields.query = source.query;
  return fields;
}
