// WebhookResponse -> API Gateway HTTP API (payload 2.0) result. A body goes out as text when it is text
// (declared textual or undeclared, and valid UTF-8), otherwise base64 with `isBase64Encoded`, which API
// Gateway turns back into the exact bytes.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { WebhookResponse } from '../webhook/types.ts';
import { nameValueRecord } from './api-gateway-event.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const textualType =
  /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded|graphql)\b)/i;

export function resultFromWebhookResponse(response: WebhookResponse): APIGatewayProxyStructuredResultV2 {
  const headers = nameValueRecord();
  const cookies: string[] = [];
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    // Several Set-Cookie values cannot be joined with commas; payload 2.0 has `cookies` for them.
    if (key === 'set-cookie') cookies.push(value);
    else headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const result: APIGatewayProxyStructuredResultV2 = { statusCode: response.statusCode, headers };
  if (cookies.length > 0) result.cookies = cookies;
  const text = bodyAsText(response.body, headers['content-type']);
  if (text !== undefined) {
    result.body = text;
    result.isBase64Encoded = false;
  } else {
    result.body = Buffer.from(
      response.body.buffer,
      response.body.byteOffset,
      response.body.byteLength,
    ).toString('base64');
    result.isBase64Encoded = true;
  }
  return result;
}

/** The body as a string when it is text (textual or undeclared type, valid UTF-8); undefined for binary. */
export function bodyAsText(body: Uint8Array, contentType: string | undefined): string | undefined {
  if (body.byteLength === 0) return '';
  if (contentType !== undefined && !textualType.test(contentType.trim())) return undefined;
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
