// How a WebhookResponse is encoded in Lambda's payload 2.0 result, shared by the API Gateway adapter (which
// encodes it) and the webhook core (which refuses an answer Lambda could not send). A body goes out as text when
// it is text (declared textual or undeclared, and valid UTF-8) and JSON-escaping it costs no more than base64,
// otherwise base64 with `isBase64Encoded`, which API Gateway turns back into the exact bytes. Lambda counts its
// 6 MB response limit on the JSON the runtime sends, so 4 MiB of `"` as text would be 8.4 MB and 4 MiB of
// control bytes 25 MB, while base64 is never more than 4/3 of the bytes.
import { isUtf8 } from 'node:buffer';
import { nameValueRecord } from './request-fields.ts';
import type { WebhookResponse } from './types.ts';

/** A payload 2.0 result (structurally an `APIGatewayProxyStructuredResultV2`). */
export interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const textualType =
  /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded|graphql)\b)/i;

/**
 * The bytes of the JSON Lambda's runtime would send for this response (what Lambda's response payload limit
 * counts), without encoding the body: its share is counted from the bytes.
 */
export function encodedResultBytes(response: WebhookResponse): number {
  const { result, contentType } = resultWithoutBody(response);
  const body = bodyEncoding(response.body, contentType);
  result.body = '';
  result.isBase64Encoded = body.base64;
  return Buffer.byteLength(JSON.stringify(result)) + body.bytes;
}

/**
 * Given to every public answer (SECURITY.md): public answers share their origin with the web console, whose
 * key sits in the tab's sessionStorage, and a responder may answer HTML with scripts. Opened by a browser, the
 * answer is a sandboxed document in an opaque origin: its scripts still run, but reach nothing of this origin.
 * A responder's own policy stays in force beside it: a comma joins two policies, and a browser applies both.
 */
export const publicAnswerPolicy =
  'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';

export function resultWithoutBody(response: WebhookResponse): {
  result: LambdaResult;
  contentType: string | undefined;
} {
  const headers = nameValueRecord();
  const cookies: string[] = [];
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    // Several Set-Cookie values cannot be joined with commas; payload 2.0 has `cookies` for them.
    if (key === 'set-cookie') cookies.push(value);
    else headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const policy = headers['content-security-policy'];
  headers['content-security-policy'] = policy ? `${policy}, ${publicAnswerPolicy}` : publicAnswerPolicy;
  const result: LambdaResult = { statusCode: response.statusCode, headers };
  if (cookies.length > 0) result.cookies = cookies;
  return { result, contentType: headers['content-type'] };
}

/** How the body goes out and how many bytes it takes inside the result's JSON string. */
export function bodyEncoding(
  body: Uint8Array,
  contentType: string | undefined,
): { base64: boolean; bytes: number } {
  const base64Bytes = 4 * Math.ceil(body.byteLength / 3);
  if (!isText(body, contentType)) return { base64: true, bytes: base64Bytes };
  const escapedBytes = jsonEscapedBytes(body);
  return escapedBytes <= base64Bytes
    ? { base64: false, bytes: escapedBytes }
    : { base64: true, bytes: base64Bytes };
}

function isText(body: Uint8Array, contentType: string | undefined): boolean {
  if (body.byteLength === 0) return true;
  if (contentType !== undefined && !textualType.test(contentType.trim())) return false;
  return isUtf8(body);
}

/**
 * JSON.stringify's escapes, in bytes: `"` and `\` and the five short control escapes take 2, other control
 * characters 6 (`\u00XX`); everything else, multi-byte UTF-8 included, stays as it is.
 */
const escapedByteCost = new Uint8Array(256).fill(1);
for (let byte = 0; byte < 0x20; byte++) escapedByteCost[byte] = 6;
for (const byte of [0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]) escapedByteCost[byte] = 2;

function jsonEscapedBytes(utf8: Uint8Array): number {
  let bytes = 0;
  // The length read once: V8 does not hoist `byteLength` out of the loop, which made 4 MiB cost eight times more.
  for (let i = 0, length = utf8.length; i < length; i++)
    bytes += escapedByteCost[utf8[i] as number] as number;
  return bytes;
}

/** The body as a string when it is text (textual or undeclared type, valid UTF-8); undefined for binary. */
export function bodyAsText(body: Uint8Array, contentType: string | undefined): string | undefined {
  return isText(body, contentType) ? strictUtf8.decode(body) : undefined;
}
