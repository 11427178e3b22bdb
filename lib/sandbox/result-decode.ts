// The guest's Finished record (guest/boundary.ts) turned into an outcome: the body read as its kind says,
// then checked on the host (result-check.ts).
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import { consumeFault, type Fault } from './fault-classify.ts';
import type { Finished, FinishedField, ResultMeta } from './guest/boundary.ts';
import type { GuestContext } from './guest-context.ts';
import { encodeUtf8 } from './host-ops.ts';
import type { RunAnswer } from './protocol.ts';
import { checkResult } from './result-check.ts';

/** What an execution came to, before the engine adds console, duration, memory and upstream calls. */
export type Outcome = Omit<RunAnswer, 'console' | 'durationMs' | 'memoryBytes' | 'recycled' | 'upstream'>;

/** Reads the record; classifies and disposes of an error it holds. */
export function decodeResult(guest: GuestContext, result: QuickJSHandle): Outcome | Fault {
  const { ctx } = guest;
  const field = (name: FinishedField) => ctx.getProp(result, name);
  const string = (name: FinishedField) => field(name).consume((h) => ctx.getString(h));
  const kind = string('kind') as Finished['kind'];
  if (kind === 'threw') return consumeFault(guest, field('error'), 'invalid');
  if (kind === 'json-error') {
    return consumeFault(guest, field('error'), 'invalid', 'the body cannot be converted to JSON: ');
  }
  if (kind === 'invalid') return { outcome: 'invalid', message: string('reason') };
  const meta = JSON.parse(string('meta')) as ResultMeta;
  let body: Uint8Array | undefined;
  if (meta.body === 'raw') body = encodeUtf8(string('body'));
  else if (meta.body === 'text') body = encodeUtf8(JSON.parse(string('body')) as string);
  else if (meta.body === 'bytes') {
    body = field('body').consume((h) => ctx.getArrayBuffer(h).consume((view) => new Uint8Array(view.value)));
  }
  const checked = checkResult({
    statusCode: meta.status === null ? undefined : Number(meta.status),
    headers: meta.headers === null ? undefined : pairsOf(meta.headers),
    body,
  });
  if (checked.outcome !== 'ok') return checked;
  const outcome: Outcome = checked;
  if (meta.skipRequest) outcome.skipRequest = true;
  if (meta.trackResponse === false) outcome.trackResponse = false;
  return outcome;
}

function pairsOf(flat: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}
