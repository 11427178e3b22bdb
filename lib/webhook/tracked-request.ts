// What the history keeps of a request and its answer (docs/contract.md §4): the request's body and the answer's
// body up to 64 KiB each (flagged when cut), the answer's headers up to their own cap, and the execution's seed
// and start time so that replay and saved tests can reproduce it (docs/contract.md §9).
import { bytesToBase64 } from '../base64.ts';
import { historyBodyMaxBytes, historyResponseHeadersMaxBytes } from '../limits.ts';
import { breakerOutcome } from '../responders/outcomes.ts';
import type { TrackedRequest, TrackedResponse } from '../responders/schema.ts';
import { newSeed } from '../sandbox/host-ops.ts';
import type { ScriptExecution } from '../sandbox/types.ts';
import type { WebhookRequest, WebhookResponse } from './types.ts';

/** A responder's answer to a request, with the execution that made it, if a script ran. */
export interface Answer {
  response: WebhookResponse;
  execution?: ScriptExecution;
  /** The script was not run: its circuit breaker is open. */
  breakerOpen?: boolean;
}

export function trackedRequest(request: WebhookRequest, answer: Answer): TrackedRequest {
  const truncated = request.body.byteLength > historyBodyMaxBytes;
  const kept = truncated ? request.body.subarray(0, historyBodyMaxBytes) : request.body;
  return {
    id: request.requestId,
    createdAt: request.receivedAtMs,
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    headers: request.headers,
    body: bytesToBase64(kept),
    bodyTruncated: truncated,
    clientAddress: request.clientAddress,
    statusCode: answer.response.statusCode,
    outcome: answer.breakerOpen ? breakerOutcome : (answer.execution?.outcome ?? null),
    durationMs: answer.execution?.durationMs ?? 0,
    memoryBytes: answer.execution?.memoryBytes ?? 0,
    console: answer.execution?.console ?? [],
    // Without a script there is no execution, but a draft replayed over this request may have one (docs/contract.md §9).
    seed: bytesToBase64(answer.execution?.seed ?? newSeed()),
    startedAtMs: answer.execution?.startedAtMs ?? request.receivedAtMs,
    ...(answer.execution?.trackResponse === false ? {} : { response: trackedResponse(answer.response) }),
    ...(answer.execution?.upstream ? { upstream: answer.execution.upstream } : {}),
  };
}

/** The answer as a tracked request keeps it: the body's first 64 KiB, headers up to their own cap. */
function trackedResponse(response: WebhookResponse): TrackedResponse {
  const { body } = response;
  const bodyTruncated = body.byteLength > historyBodyMaxBytes;
  const kept = bodyTruncated ? body.subarray(0, historyBodyMaxBytes) : body;
  const headers: Array<[string, string]> = [];
  let headerBytes = 0;
  for (const [name, value] of response.headers) {
    headerBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (headerBytes > historyResponseHeadersMaxBytes) break;
    headers.push([name, value]);
  }
  return {
    headers,
    bodyBase64: bytesToBase64(kept),
    bodyTruncated,
    ...(headers.length < response.headers.length ? { headersTruncated: true } : {}),
  };
}
