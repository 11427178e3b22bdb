// The webhook path as an API Gateway HTTP API (payload 2.0) handler: adapter in, core, adapter out.
// functions/webhook.ts exports it for Lambda; the local server calls the very same function.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../metrics/powertools.ts';
import {
  handleWebhook,
  internalErrorText,
  textResponse,
  type WebhookDeps,
} from '../webhook/handle-webhook.ts';
import { webhookRequestFromEvent } from './api-gateway-event.ts';
import { resultFromWebhookResponse } from './api-gateway-result.ts';

export type ApiGatewayHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export function createApiGatewayHandler(deps: WebhookDeps): ApiGatewayHandler {
  return async (event) => {
    try {
      return resultFromWebhookResponse(await handleWebhook(webhookRequestFromEvent(event), deps));
    } catch (error) {
      // The core answers its own faults; this is a last guard so no stack trace ever reaches a caller.
      logger.error('webhook handler failed', { requestId: event.requestContext?.requestId, error });
      return resultFromWebhookResponse(textResponse(500, internalErrorText));
    }
  };
}
