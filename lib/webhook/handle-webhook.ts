// The webhook core (docs/contract.md §3): a plain request in, a plain response out. Find the responder (cache, then
// store), answer with its static definition or run its script in the sandbox, track the request, and write
// one metrics record. Script faults are outcomes with their own answers (the sandbox's job), and a script that
// keeps failing is not run for a while (the circuit breaker, docs/contract.md §10); faults of the platform (the store unreachable or throttled) answer 503 with a short text and are logged and counted.
import type { Logger } from '@aws-lambda-powertools/logger';
import { lambdaResponseMaxBytes, namespaceMaxChars } from '../limits.ts';
import { logger as defaultLogger } from '../metrics/powertools.ts';
import {
  type PublishRequestMetrics,
  publishRequestMetrics,
  type RequestFacts,
} from '../metrics/request-metrics.ts';
import type { DefinitionCache } from '../responders/definition-cache.ts';
import { isNamespace } from '../responders/namespace.ts';
import { selectResponder } from '../responders/routing.ts';
import type { Responder, ResponderSettings } from '../responders/schema.ts';
import { asInvalid } from '../sandbox/answer.ts';
import { scriptContext } from '../sandbox/context.ts';
import type { ScriptExecution, ScriptOutcome, ScriptRun, ScriptSecrets } from '../sandbox/types.ts';
import { maskSecrets } from '../secrets/mask.ts';
import type { HistoryStore } from '../store/types.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { encodedResultBytes } from './response-encoding.ts';
import { type Answer, trackedRequest } from './tracked-request.ts';
import type { WebhookRequest, WebhookResponse } from './types.ts';

/** The one sandbox operation the core needs (lib/sandbox's `Sandbox` satisfies it). */
export interface ScriptRunner {
  run(run: ScriptRun): Promise<ScriptExecution>;
}

export interface WebhookDeps {
  definitions: Pick<DefinitionCache, 'lookup'>;
  history: HistoryStore;
  sandbox: ScriptRunner;
  /** Without one every request runs its script, however often it failed. */
  breaker?: Pick<CircuitBreaker, 'admit' | 'settle'>;
  publishMetrics?: PublishRequestMetrics;
  logger?: Logger;
  /** Where `context.secrets` comes from; without it every script sees `{}`. */
  secrets?: SecretSource;
}

/** `context.secrets` for a responder (lib/secrets' SecretCache). */
export interface SecretSource {
  forResponder(namespace: string, allowed: ResponderSettings['secrets']): Promise<ScriptSecrets>;
}

/** Only a responder with a script has any use for its secrets: no store read or decryption for the others. */
export function secretsOf(
  responder: Pick<Responder, 'settings'>,
  namespace: string,
  deps: { secrets?: SecretSource },
): Promise<ScriptSecrets> {
  if (responder.settings.script === undefined || !deps.secrets) return Promise.resolve({});
  return deps.secrets.forResponder(namespace, responder.settings.secrets);
}

const textHeaders: Array<[string, string]> = [['content-type', 'text/plain; charset=utf-8']];
const encoder = new TextEncoder();

export function textResponse(statusCode: number, text: string): WebhookResponse {
  return { statusCode, headers: [...textHeaders], body: encoder.encode(text) };
}

export const notFoundText = 'Not found.';
export const unavailableText = 'Service unavailable, please retry.';
export const internalErrorText = 'Internal error.';
export const breakerOpenText = 'Script disabled after repeated failures, retry later.';

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
    let secrets: ScriptSecrets;
    try {
      secrets = await secretsOf(responder, request.namespace, deps);
    } catch (error) {
      // The store or KMS unreachable, or a ciphertext that is not this secret's (moved or tampered with): the
      // script does not run without the secrets it was promised. The error names secrets, never a value.
      facts.storeUnavailable = true;
      log.error('secrets unavailable', { requestId: request.requestId, responderId: responder.id, error });
      return textResponse(503, unavailableText);
    }
    const keep = responder.settings.requestsToTrack;
    // The history's place is taken while the answer is made (or was, by this process's previous request), so the
    // answer then waits for one round trip.
    const entry = keep > 0 ? deps.history.begin(responder.id, keep) : undefined;
    const answer = await answerUnlessBroken(responder, request, deps, secrets).catch(
      async (error: unknown) => {
        // Nothing in flight when the handler returns (Lambda freezes it): the place stays unused, for the next.
        await entry?.finish().catch(() => {});
        throw error;
      },
    );
    if (answer.breakerOpen) facts.breakerOpen = true;
    if (answer.execution) {
      const { outcome, durationMs, memoryBytes, recycled } = answer.execution;
      facts.script = { outcome, durationMs, memoryBytes, ...(recycled ? { recycled } : {}) };
      if (answer.execution.upstream) facts.upstream = answer.execution.upstream;
      if (answer.execution.console.length > 0) {
        log.info('script console', {
          requestId: request.requestId,
          responderId: responder.id,
          console: answer.execution.console,
        });
      }
    }
    if (entry) {
      try {
        // A script's `skipRequest` leaves its place unused, for the next request: waited for, nothing written.
        await entry.finish(
          answer.execution?.skipRequest === true ? undefined : trackedRequest(request, answer),
        );
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

/** The responder's answer, or, while its script's circuit breaker is open, its fallback or a 503. */
async function answerUnlessBroken(
  responder: Responder,
  request: WebhookRequest,
  deps: WebhookDeps,
  secrets: ScriptSecrets,
): Promise<Answer> {
  const { breaker } = deps;
  if (!breaker || responder.settings.script === undefined)
    return answerWith(responder, request, deps.sandbox, secrets);
  const admission = breaker.admit(responder);
  if (!admission.run) {
    const { fallback } = responder.settings;
    if (fallback) {
      const response = {
        statusCode: fallback.statusCode,
        headers: [...fallback.headers],
        body: encodedBody(fallback),
      };
      return { response, breakerOpen: true };
    }
    const response = textResponse(503, breakerOpenText);
    response.headers.push(['retry-after', String(admission.retryAfterSeconds)]);
    return { response, breakerOpen: true };
  }
  let outcome: ScriptOutcome | undefined;
  try {
    const answer = await answerWith(responder, request, deps.sandbox, secrets);
    outcome = answer.execution?.outcome;
    return answer;
  } finally {
    breaker.settle(admission.ticket, outcome);
  }
}

/** An execution's seed and start time, given to reproduce one (replay, saved tests: docs/contract.md §9). */
export interface ExecutionInputs {
  seed: Uint8Array;
  nowMs: number;
}

/**
 * The answer of a responder to a request, without tracking or metrics (the management API's dry run, replay
 * and saved tests use it too).
 */
export async function answerWith(
  responder: Pick<Responder, 'settings'>,
  request: WebhookRequest,
  sandbox: ScriptRunner,
  secrets: ScriptSecrets = {},
  inputs?: ExecutionInputs,
): Promise<Answer> {
  const { settings } = responder;
  const body = encodedBody(settings);
  if (settings.script === undefined) {
    return { response: { statusCode: settings.statusCode, headers: [...settings.headers], body } };
  }
  // A copy: the cached bytes must survive whatever the sandbox does with its input (e.g. transfer it to a worker).
  const defaults = { statusCode: settings.statusCode, headers: [...settings.headers], body: body.slice() };
  const ran = await sandbox.run({
    script: settings.script,
    context: scriptContext(request),
    secrets,
    defaults,
    ...(settings.limits ? { limits: settings.limits } : {}),
    ...inputs,
  });
  const execution = maskSecrets(ran.outcome === 'ok' ? fittingLambdaResponse(ran) : ran, secrets);
  return {
    response: { statusCode: execution.statusCode, headers: execution.headers, body: execution.body },
    execution,
  };
}

/**
 * The script's answer merged over the responder's defaults, refused when Lambda could not send it: the sandbox
 * bounds the body and the script's headers, but a body at its cap next to the responder's own headers (which may
 * be 400 KB, and count twice when JSON-escaped) can still pass Lambda's response payload limit.
 */
function fittingLambdaResponse(execution: ScriptExecution): ScriptExecution {
  const bytes = encodedResultBytes(execution);
  if (bytes <= lambdaResponseMaxBytes) return execution;
  return asInvalid(
    execution,
    `the answer takes ${bytes} bytes once encoded for Lambda, more than its response limit of ${lambdaResponseMaxBytes}`,
  );
}

/** A static body is encoded once per cached definition, not once per request (it may be 1 MiB). */
const encodedBodies = new WeakMap<{ body?: string }, Uint8Array>();
function encodedBody(answer: { body?: string }): Uint8Array {
  let body = encodedBodies.get(answer);
  if (!body) {
    body = encoder.encode(answer.body ?? '');
    encodedBodies.set(answer, body);
  }
  return body;
}
