// The final answer of an execution: the script's result merged over the responder's defaults, or the
// failure answer of docs/contract.md §3.
import type { RunAnswer } from './protocol.ts';
import type { ResponseDefaults, ScriptExecution, ScriptLimits, ScriptOutcome } from './types.ts';

const failureHeaders = (): Array<[string, string]> => [['content-type', 'text/plain; charset=utf-8']];
const invalidText = (why: string) => `Script returned an invalid result: ${why}`;

/** An ok execution whose answer the host refuses after the fact (e.g. it cannot be sent), as the `invalid` answer. */
export function asInvalid(execution: ScriptExecution, why: string): ScriptExecution {
  return {
    ...execution,
    outcome: 'invalid',
    statusCode: 500,
    headers: failureHeaders(),
    body: new TextEncoder().encode(invalidText(why)),
  };
}

export function failureText(
  outcome: Exclude<ScriptOutcome, 'ok'>,
  limits: ScriptLimits,
  message = '',
  line = 1,
) {
  switch (outcome) {
    case 'timeout':
      return { statusCode: 504, text: `Script exceeded time limit (${limits.deadlineMs} ms).` };
    case 'memory':
      return { statusCode: 500, text: `Script exceeded memory limit (${limits.memoryBytes} bytes).` };
    case 'stack':
      return { statusCode: 500, text: 'Script exceeded stack limit.' };
    case 'syntax':
      return { statusCode: 500, text: `Script syntax error: ${message} (line ${line})` };
    case 'error':
      return { statusCode: 500, text: `Script error: ${message}` };
    case 'invalid':
      return { statusCode: 500, text: invalidText(message) };
    case 'unsettled':
      return { statusCode: 500, text: 'Script never settled its promise.' };
  }
}

export function toExecution(
  answer: RunAnswer,
  defaults: ResponseDefaults,
  limits: ScriptLimits,
): Omit<ScriptExecution, 'seed' | 'startedAtMs'> {
  const common = {
    console: answer.console,
    durationMs: answer.durationMs,
    memoryBytes: answer.memoryBytes,
    ...(answer.recycled ? { recycled: answer.recycled } : {}),
    ...(answer.upstream && answer.upstream.length > 0 ? { upstream: answer.upstream } : {}),
  };
  if (answer.outcome === 'ok') {
    return {
      outcome: 'ok',
      statusCode: answer.statusCode ?? defaults.statusCode,
      headers: answer.headers ?? defaults.headers,
      body: answer.body ?? defaults.body,
      ...common,
      ...(answer.skipRequest ? { skipRequest: true } : {}),
      ...(answer.trackResponse === false ? { trackResponse: false } : {}),
    };
  }
  const failure = failureText(answer.outcome, limits, answer.message, answer.line);
  return {
    outcome: answer.outcome,
    statusCode: failure.statusCode,
    headers: failureHeaders(),
    body: new TextEncoder().encode(failure.text),
    ...common,
  };
}
