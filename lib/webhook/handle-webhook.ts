// The webhook core (SPEC §3): a plain request in, a plain response out. Find the responder (cache, then
// store), answer with its static definition or run its script in the sandbox, track the request, and write
// one metrics record. Script faults are outcomes with their own answers (the sandbox's job); faults of the
// platform (the store unreachable or throttled) answer 503 with a short text and are logged and counted.
import type { Logger } from '@aws-lambda-powertools/logger';
import { historyBodyMaxBytes, namespaceMaxChars } from '../limits.ts';
import { logger as defaultLogger } from '../metrics/powertools.ts';
import {
  type PublishRequestMetrics,
  publishRequestMetrics,
  type RequestFacts,
} from '../metrics/request-metrics.ts';
import type { DefinitionCache } from '../responders/definition-cache.ts';
import { isNamespace } from '../responders/namespace.ts';
import { selectResponder } from '../responders/routing.ts';
import type { Responder, TrackedRequest } from '../responders/schema.ts';
import { scriptContext } from '../sandbox/context.ts';
import type { ScriptExecution, ScriptRun } from '../sandbox/types.ts';
import type { HistoryStore } from '../store/types.ts';
import type { WebhookRequest, WebhookResponse } from './types.ts';

/** The one sandbox operation the core needs (lib/sandbox's `Sandbox` satisfies it). */
export interface ScriptRunner {
  run(run: ScriptRun): Promise<ScriptExecution>;
}

export interface WebhookDeps {
  definitions: Pick<DefinitionCache, 'lookup'>;
  history: HistoryStore;
  sandbox: ScriptRunner;
  publishMetrics?: PublishRequestMetrics;
  logger?: Logger;
}

interface Answer {
  response: WebhookResponse;
  execution?: ScriptExecution;
}

const textHeaders: Array<[string, string]> = [['content-type', 'text/plain; charset=utf-8']];
const encoder = new TextEncoder();

export function textResponse(statusCode: number, text: string): WebhookResponse {
  return { statusCode, headers: [...textHeaders], body: encoder.encode(text) };
}

export const notFoundText = 'Not found.';
export const unavailableText = 'Service unavailable, please retry.';
export const internalErrorText = 'Internal error.';

export async function handleWebhook(request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const started = performance.now();
  const log = deps.logger ?? defaultLogger;
  const facts: RequestFacts = { requestId: request.requestId, namespace: request.namespace };
  try {
    if (!isNamespace(request.namespace)) {
      // Whatever a caller put in the first segment goes into the metrics: keep it short.
      facts.namespace = request.namespace.slice(0, namespaceMaxChars);
      facts.notFound = true;
      return textResponse(404, notFoundText);
    }
    let responder: Responder | undefined;
    try {
      const lookup = await deps.definitions.lookup(request.namespace);
      facts.cacheHit = lookup.hit;
      responder = selectResponder(lookup.table, request.method, request.path);
    } catch (error) {
      facts.storeUnavailable = true;
      log.error('responder lookup failed', {
        requestId: request.requestId,
        namespace: request.namespace,
        error,
      });
      return textResponse(503, unavailableText);
    }
    if (!responder) {
      facts.notFound = true;
      return textResponse(404, notFoundText);
    }
    facts.responderId = responder.id;
    const answer = await answerWith(responder, request, deps.sandbox);
    if (answer.execution) {
      const { outcome, durationMs, memoryBytes, recycled } = answer.execution;
      facts.script = { outcome, durationMs, memoryBytes, ...(recycled ? { recycled } : {}) };
      if (answer.execution.console.length > 0) {
        log.info('script console', {
          requestId: request.requestId,
          responderId: responder.id,
          console: answer.execution.console,
        });
      }
    }
    const keep = responder.settings.requestsToTrack;
    if (keep > 0 && answer.execution?.skipRequest !== true) {
      try {
        await deps.history.record(responder.id, keep, trackedRequest(request, answer));
      } catch (error) {
        // The caller still gets the answer; the lost history entry is visible in the logs and the metrics.
        facts.historyWriteFailed = true;
        log.error('history write failed', { requestId: request.requestId, responderId: responder.id, error });
      }
    }
    return answer.response;
  } catch (error) {
    log.error('webhook request failed', { requestId: request.requestId, error });
    return textResponse(500, internalErrorText);
  } finally {
    facts.latencyMs = performance.now() - started;
    try {
      (deps.publishMetrics ?? publishRequestMetrics)(facts);
    } catch (error) {
      log.error('metrics record failed', { requestId: request.requestId, error });
    }
  }
}

/** The answer of a responder to a request, without tracking or metrics (the management API's dry run uses it too). */
export async function answerWith(
  responder: Pick<Responder, 'settings'>,
  request: WebhookRequest,
  sandbox: ScriptRunner,
): Promise<Answer> {
  const { settings } = responder;
  const body = staticBody(settings);
  if (settings.script === undefined) {
    return { response: { statusCode: settings.statusCode, headers: [...settings.headers], body } };
  }
  // A copy: the cached bytes must survive whatever the sandbox does with its input (e.g. transfer it to a worker).
  const defaults = { statusCode: settings.statusCode, headers: [...settings.headers], body: body.slice() };
  const execution = await sandbox.run({
    script: settings.script,
    context: scriptContext(request),
    defaults,
    ...(settings.limits ? { limits: settings.limits } : {}),
  });
  return {
    response: { statusCode: execution.statusCode, headers: execution.headers, body: execution.body },
    execution,
  };
}

/** A static body is encoded once per cached definition, not once per request (it may be 1 MiB). */
const encodedBodies = new WeakMap<Responder['settings'], Uint8Array>();
function staticBody(settings: Responder['settings']): Uint8Array {
  let body = encodedBodies.get(settings);
  if (!body) {
    body = encoder.encode(settings.body ?? '');
    encodedBodies.set(settings, body);
  }
  return body;
}

function trackedRequest(request: WebhookRequest, answer: Answer): TrackedRequest {
  const truncated = request.body.byteLength > historyBodyMaxBytes;
  const kept = truncated ? request.body.subarray(0, historyBodyMaxBytes) : request.body;
  return {
    id: request.requestId,
    createdAt: request.receivedAtMs,
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    headers: request.headers,
    body: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64'),
    bodyTruncated: truncated,
    clientAddress: request.clientAddress,
    statusCode: answer.response.statusCode,
    outcome: answer.execution?.outcome ?? null,
    durationMs: answer.execution?.durationMs ?? 0,
    memoryBytes: answer.execution?.memoryBytes ?? 0,
    console: answer.execution?.console ?? [],
  };
}
