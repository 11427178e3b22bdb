// Host-side checks of what a script returned, after the guest turned it into plain data (SPEC §3).
import { scriptResultBodyMaxBytes } from '../limits.ts';
import type { ScriptOutcome } from './types.ts';

export interface ScriptResult {
  statusCode?: number | undefined;
  headers?: Array<[string, string]> | undefined;
  body?: Uint8Array | undefined;
}

export type CheckedResult =
  | ({ outcome: 'ok' } & ScriptResult)
  | { outcome: Extract<ScriptOutcome, 'invalid'>; message: string };

const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const forbiddenInHeaderValue = /[\r\n\0]/;
/** Other control characters and anything above U+00FF: no HTTP server can send them in a field value. */
const unsendableInHeaderValue = /[^\t\r\n\0\x20-\x7e\x80-\xff]/;

export function checkResult(result: ScriptResult): CheckedResult {
  const { statusCode, headers, body } = result;
  if (statusCode !== undefined && !(Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599)) {
    return {
      outcome: 'invalid',
      message: `statusCode must be an integer from 100 to 599, got ${statusCode}`,
    };
  }
  for (const [name, value] of headers ?? []) {
    if (!httpToken.test(name)) {
      return { outcome: 'invalid', message: `header name ${JSON.stringify(name)} is not an HTTP token` };
    }
    if (forbiddenInHeaderValue.test(value)) {
      return { outcome: 'invalid', message: `header ${JSON.stringify(name)} has CR, LF or NUL in its value` };
    }
    if (unsendableInHeaderValue.test(value)) {
      return {
        outcome: 'invalid',
        message: `header ${JSON.stringify(name)} has a control character or a character above U+00FF in its value`,
      };
    }
  }
  if (body !== undefined && body.byteLength > scriptResultBodyMaxBytes) {
    return { outcome: 'invalid', message: `the body is larger than ${scriptResultBodyMaxBytes} bytes` };
  }
  return { outcome: 'ok', statusCode, headers, body };
}
