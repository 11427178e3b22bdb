// POST /api/responders/{id}/test (docs/contract.md §5): the answer a responder (the stored one or a draft) would give to a
// request (from the body, or a tracked one), with outcome, duration, memory and console. It goes through the
// webhook core's own `answerWith`, so it answers exactly as the public path would, but it records no history
// and publishes no metric: trying a script must not look like traffic.
import { base64ToBytes, bytesToBase64 } from '../base64.ts';
import { managementAnswerMaxBytes } from '../limits.ts';
import type { Responder, TrackedRequest } from '../responders/schema.ts';
import { asInvalid } from '../sandbox/answer.ts';
import type { ScriptExecution } from '../sandbox/types.ts';
import { answerWith, secretsOf } from '../webhook/handle-webhook.ts';
import { headerRecord, parseQuery } from '../webhook/request-fields.ts';
import type { WebhookRequest, WebhookResponse } from '../webhook/types.ts';
import { lambdaAnswerBytes } from './answer-size.ts';
import { ApiError, invalidRequest } from './api-error.ts';
import { readJson, validate } from './json-body.ts';
import { json } from './responses.ts';
import { ownResponder, type RouteContext } from './route-context.ts';
import { type TestRequest, type TestResult, testBodySchema } from './schemas.ts';
import { checkSecretNames } from './secret-routes.ts';
import type { ManagementResponse } from './types.ts';

export async function testResponder(context: RouteContext): Promise<ManagementResponse> {
  const stored = await ownResponder(context);
  const raw = readJson(context.request, { optional: true });
  const body = raw === undefined ? {} : validate(testBodySchema, raw);
  const trackedId = context.request.query.request;
  if (trackedId !== undefined && body.request !== undefined) {
    throw invalidRequest('request: give the request in the body or as ?request=<id>, not both');
  }
  const responder = body.responder ?? stored;
  if (body.responder) await checkSecretNames(context, body.responder.settings.secrets);
  let request: WebhookRequest;
  if (trackedId !== undefined) {
    const tracked = await context.deps.history.get(stored.id, trackedId);
    if (!tracked) {
      throw new ApiError(
        404,
        'not_found',
        `request ${trackedId} is not in the history of responder ${stored.id}`,
      );
    }
    request = fromTracked(context, tracked);
  } else {
    request = fromTestRequest(context, body.request, responder);
  }
  // The dry run decrypts what the public path would (docs/contract.md §12); the answer and console are masked as there.
  const secrets = await secretsOf(responder, context.namespace, { secrets: context.deps.secrets?.source });
  const { response, execution } = await answerWith(responder, request, context.deps.sandbox, secrets);
  const result = testResult(response, execution);
  // The answer's JSON goes into the Lambda result as a string, escaped once more. The public path already
  // refused an answer Lambda could not send; here the console and the headers' second escaping come on top.
  if (execution && lambdaAnswerBytes(result) > managementAnswerMaxBytes) {
    const refused = asInvalid(
      execution,
      `the dry run's answer (body in base64, headers and console) is larger than ${managementAnswerMaxBytes} bytes once encoded for Lambda`,
    );
    return json(200, testResult(refused, refused));
  }
  return json(200, result);
}

export function testResult(response: WebhookResponse, execution: ScriptExecution | undefined): TestResult {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    bodyBase64: bytesToBase64(response.body),
    outcome: execution?.outcome ?? null,
    // Microseconds are noise at this scale; `npm run try` rounds the same way.
    durationMs: Math.round((execution?.durationMs ?? 0) * 1000) / 1000,
    memoryBytes: execution?.memoryBytes ?? 0,
    console: execution?.console ?? [],
  };
}

export function fromTracked(context: RouteContext, tracked: TrackedRequest): WebhookRequest {
  return {
    requestId: context.request.requestId,
    receivedAtMs: Date.now(),
    method: tracked.method,
    namespace: context.namespace,
    path: tracked.path,
    rawQuery: tracked.rawQuery,
    query: parseQuery(tracked.rawQuery),
    headers: tracked.headers,
    // A body over 64 KiB was kept truncated (docs/contract.md §4); the dry run sees what was kept.
    body: base64ToBytes(tracked.body),
    clientAddress: tracked.clientAddress,
  };
}

/** Unset fields default to a request to the responder's own location, so `{}` is a useful first try. */
export function fromTestRequest(
  context: Pick<RouteContext, 'namespace'> & { request: Pick<RouteContext['request'], 'requestId'> },
  given: TestRequest | undefined,
  responder: Pick<Responder, 'method' | 'location'>,
): WebhookRequest {
  const rawQuery = given?.rawQuery ?? '';
  return {
    requestId: context.request.requestId,
    receivedAtMs: Date.now(),
    method: (given?.method ?? (responder.method === 'ANY' ? 'GET' : responder.method)).toUpperCase(),
    namespace: context.namespace,
    path: given?.path ?? responder.location.path,
    rawQuery,
    query: parseQuery(rawQuery),
    headers: headerRecord(given?.headers ?? {}),
    body: base64ToBytes(given?.bodyBase64 ?? ''),
    clientAddress: given?.clientAddress ?? null,
  };
}
