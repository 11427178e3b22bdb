// WebhookResponse -> API Gateway HTTP API (payload 2.0) result; how the body is encoded, and why, is in
// lib/webhook/response-encoding.ts, which the core uses to refuse an answer Lambda could not send.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bytesToBase64 } from '../base64.ts';
import { bodyEncoding, resultWithoutBody, strictUtf8 } from '../webhook/response-encoding.ts';
import type { WebhookResponse } from '../webhook/types.ts';

export function resultFromWebhookResponse(response: WebhookResponse): APIGatewayProxyStructuredResultV2 {
  const { result, contentType } = resultWithoutBody(response);
  const { body } = response;
  if (bodyEncoding(body, contentType).base64) {
    result.body = bytesToBase64(body);
    result.isBase64Encoded = true;
  } else {
    result.body = strictUtf8.decode(body);
    result.isBase64Encoded = false;
  }
  return result;
}
