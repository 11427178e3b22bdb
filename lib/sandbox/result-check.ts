// Host-side checks of what a script returned, after the guest turned it into plain data (docs/contract.md §3).
import {
  finalStatusCodeMax,
  finalStatusCodeMin,
  scriptResultBodyMaxBytes,
  scriptResultHeadersMax,
  scriptResultHeadersMaxBytes,
} from '../limits.ts';
import type { ScriptOutcome } from './types.ts';

export interface ScriptResult {
  statusCode?: number | undefined;
  headers?: Array<[string, string]> | undefined;
  body?: Uint8Array | undefined;
}

export type CheckedResult =
  | ({ outcome: 'ok' } & ScriptResult)
  | { outcome: Extract<ScriptOutcome, 'invalid'>; message: string };

/**
 * Headers that frame the message or belong to one hop (docs/contract.md §2): the platform sets them from the body it
 * sends, so a value given by a responder or a script could only contradict it (two framings in one answer, a
 * `Trailer` Node refuses to send, a connection the next request cannot use).
 */
export const platformHeaderNames: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'trailer',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'proxy-connection',
]);

export const isPlatformHeader = (name: string): boolean => platformHeaderNames.has(name.toLowerCase());

// What a header may hold, for a script's answer here and a responder's static headers (lib/responders/schema.ts).
/** RFC 9110 `token`: the characters a header name may use. */
export const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** CR, LF and NUL (docs/contract.md §2): they would split or end a header. */
export const forbiddenInHeaderValue = /[\r\n\0]/;
/**
 * Other control characters and anything above U+00FF: no HTTP field value may carry them, so Node's HTTP server
 * (and a strict proxy) would refuse to send them. Tab, visible ASCII and Latin-1 remain.
 */
export const unsendableInHeaderValue = /[^\t\r\n\0\x20-\x7e\x80-\xff]/;

export function checkResult(result: ScriptResult): CheckedResult {
  const { statusCode, headers, body } = result;
  if (
    statusCode !== undefined &&
    !(Number.isInteger(statusCode) && statusCode >= finalStatusCodeMin && statusCode <= finalStatusCodeMax)
  ) {
    return {
      outcome: 'invalid',
      message: `statusCode must be an integer from ${finalStatusCodeMin} to ${finalStatusCodeMax}, got ${statusCode}`,
    };
  }
  const headersProblem = headers && checkHeaders(headers);
  if (headersProblem) return { outcome: 'invalid', message: headersProblem };
  if (body !== undefined && body.byteLength > scriptResultBodyMaxBytes) {
    return { outcome: 'invalid', message: `the body is larger than ${scriptResultBodyMaxBytes} bytes` };
  }
  // A published Secutils script sets its own (correct) Content-Length; dropping it keeps such scripts working.
  const sent = headers?.filter(([name]) => !isPlatformHeader(name));
  return { outcome: 'ok', statusCode, headers: sent, body };
}

function checkHeaders(headers: Array<[string, string]>): string | undefined {
  if (headers.length > scriptResultHeadersMax) {
    return `${headers.length} headers, more than ${scriptResultHeadersMax}`;
  }
  // Field values carry Latin-1 at most (checked below), so a character is a byte on the wire.
  let bytes = 0;
  for (const [name, value] of headers) {
    if (!httpToken.test(name)) return `header name ${JSON.stringify(name)} is not an HTTP token`;
    if (forbiddenInHeaderValue.test(value))
      return `header ${JSON.stringify(name)} has CR, LF or NUL in its value`;
    if (unsendableInHeaderValue.test(value)) {
      return `header ${JSON.stringify(name)} has a control character or a character above U+00FF in its value`;
    }
    bytes += name.length + value.length;
  }
  if (bytes > scriptResultHeadersMaxBytes) {
    return `the headers take ${bytes} bytes, more than ${scriptResultHeadersMaxBytes}`;
  }
  return undefined;
}
