// POST /api/responders/{id}/replay (docs/contract.md §9): a draft (or the stored responder) over tracked requests, each run
// with the seed and start time it was recorded with, so an unchanged responder gives the same answers byte for
// byte and a changed one shows exactly what changed. Like the dry run it records nothing and publishes no
// metric; it runs one request at a time within the management call's budget (run-budget.ts).
import { managementAnswerMaxBytes } from '../limits.ts';
import type { TrackedRequest } from '../responders/schema.ts';
import { answerWith, type ExecutionInputs, secretsOf } from '../webhook/handle-webhook.ts';
import { lambdaAnswerBytes } from './answer-size.ts';
import { ApiError } from './api-error.ts';
import { fromTracked, testResult } from './dry-run.ts';
import { readJson, validate } from './json-body.ts';
import { type ReplayDiff, type ReplayResult, replayBodySchema } from './replay-schemas.ts';
import { json } from './responses.ts';
import { ownResponder, type RouteContext } from './route-context.ts';
import { executionDeadlineMs, runWithinBudget } from './run-budget.ts';
import type { TestResult } from './schemas.ts';
import type { ManagementResponse } from './types.ts';

type ReplayItem = ReplayResult['items'][number];

export async function replayResponder(context: RouteContext): Promise<ManagementResponse> {
  const stored = await ownResponder(context);
  const raw = readJson(context.request, { optional: true });
  const body = raw === undefined ? {} : validate(replayBodySchema, raw);
  const responder = body.responder ?? stored;
  const history = await context.deps.history.list(stored.id, stored.settings.requestsToTrack);
  let chosen: TrackedRequest[];
  if (body.requests) {
    const byId = new Map(history.map((tracked) => [tracked.id, tracked]));
    chosen = body.requests.map((id) => {
      const tracked = byId.get(id);
      if (!tracked) {
        throw new ApiError(
          404,
          'not_found',
          `requests: ${id} is not in the history of responder ${stored.id}`,
        );
      }
      return tracked;
    });
  } else {
    chosen = history;
  }
  if (body.last !== undefined) chosen = chosen.slice(0, body.last);

  // Replay decrypts what the public path would (docs/contract.md §12), once for every request it runs.
  const secrets = await secretsOf(responder, context.namespace, { secrets: context.deps.secrets?.source });
  const items: ReplayItem[] = [];
  // The answer goes back through Lambda: replay stops before its answer could pass Lambda's limit.
  let answerBytes = 1024;
  await runWithinBudget(
    chosen,
    async (tracked) => {
      if (answerBytes > managementAnswerMaxBytes) return;
      const { response, execution } = await answerWith(
        responder,
        fromTracked(context, tracked),
        context.deps.sandbox,
        secrets,
        recordedInputs(tracked),
      );
      const item = replayItem(tracked, testResult(response, execution));
      answerBytes += lambdaAnswerBytes(item);
      if (answerBytes <= managementAnswerMaxBytes) items.push(item);
    },
    { deadlineMs: executionDeadlineMs(responder) },
  );
  // Items are kept in order until the first that did not run or fit: the rest were not run.
  const notRun = chosen.slice(items.length).map((tracked) => tracked.id);
  const same = items.filter((item) => item.same).length;
  const result: ReplayResult = {
    items,
    summary: { total: chosen.length, same, different: items.length - same, notRun: notRun.length },
    ...(notRun.length > 0 ? { notRun } : {}),
  };
  return json(200, result);
}

/** The seed and start time the request was answered with (entries older than §9: a zero seed, its arrival). */
function recordedInputs(tracked: TrackedRequest): ExecutionInputs {
  const seed =
    tracked.seed === undefined ? new Uint8Array(32) : new Uint8Array(Buffer.from(tracked.seed, 'base64'));
  return { seed, nowMs: tracked.startedAtMs ?? tracked.createdAt };
}

function replayItem(tracked: TrackedRequest, replayed: TestResult): ReplayItem {
  const kept = tracked.response;
  const recorded = {
    statusCode: tracked.statusCode,
    headers: kept?.headers ?? null,
    bodyBase64: kept?.bodyBase64 ?? null,
    outcome: tracked.outcome,
  };
  const diff: ReplayDiff = {};
  if (tracked.statusCode !== replayed.statusCode) diff.statusCode = [tracked.statusCode, replayed.statusCode];
  let differs = diff.statusCode !== undefined;
  if (kept) {
    const headers = headerDiff(kept.headers, replayed.headers, kept.headersTruncated === true);
    if (headers) diff.headers = headers;
    const body = bodyDiff(
      Buffer.from(kept.bodyBase64, 'base64'),
      Buffer.from(replayed.bodyBase64, 'base64'),
      kept.bodyTruncated,
    );
    if (body) diff.body = body;
    differs ||= headers !== undefined || body?.firstDifferenceAt !== undefined;
  }
  return { requestId: tracked.id, same: !differs, recorded, replayed, diff };
}

/** Names compare case-insensitively; a repeated header compares as its values joined in order. */
export function headerDiff(
  recorded: Array<[string, string]>,
  replayed: Array<[string, string]>,
  recordedTruncated = false,
): ReplayDiff['headers'] {
  const byName = (pairs: Array<[string, string]>) => {
    const map = new Map<string, [string, string]>();
    for (const [name, value] of pairs) {
      const key = name.toLowerCase();
      const known = map.get(key);
      map.set(key, known ? [known[0], `${known[1]}, ${value}`] : [name, value]);
    }
    return map;
  };
  const before = byName(recorded);
  const after = byName(replayed);
  const added: Array<[string, string]> = [];
  const removed: Array<[string, string]> = [];
  const changed: Array<[string, string, string]> = [];
  for (const [key, [name, value]] of before) {
    const now = after.get(key);
    if (!now) removed.push([name, value]);
    else if (now[1] !== value) changed.push([name, value, now[1]]);
  }
  // Headers past a truncated recording's cut are unknown: none counts as added.
  if (!recordedTruncated) {
    for (const [key, pair] of after) if (!before.has(key)) added.push(pair);
  }
  return added.length + removed.length + changed.length > 0 ? { added, removed, changed } : undefined;
}

/**
 * A truncated recording kept its first 64 KiB of a longer body: the replayed body matches if it starts with
 * those bytes and is longer than them.
 */
export function bodyDiff(recorded: Uint8Array, replayed: Uint8Array, truncated: boolean): ReplayDiff['body'] {
  const compared = truncated ? replayed.subarray(0, recorded.byteLength) : replayed;
  let at = 0;
  const common = Math.min(recorded.byteLength, compared.byteLength);
  while (at < common && recorded[at] === compared[at]) at++;
  const equal =
    at === recorded.byteLength &&
    at === compared.byteLength &&
    (!truncated || replayed.byteLength > recorded.byteLength);
  const sizes = { recordedBytes: recorded.byteLength, replayedBytes: replayed.byteLength };
  if (equal) return truncated ? { ...sizes, truncated: true } : undefined;
  return { ...sizes, firstDifferenceAt: at, ...(truncated ? { truncated: true as const } : {}) };
}
