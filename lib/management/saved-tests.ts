// Saved tests (docs/contract.md §9): a responder's own examples, each a request with a seed and a time and what the answer
// must be. Every create and update runs them against the new definition first (a failing one refuses the write),
// `POST /api/responders/{id}/tests/run` runs them on demand, and imports run them too. They go through the
// public path's `answerWith`, deterministically, and record nothing.
import { isDeepStrictEqual } from 'node:util';
import type { SavedTest } from '../responders/saved-test-schema.ts';
import { type ResponderInput, responderCreateSchema } from '../responders/schema.ts';
import type { ScriptSecrets } from '../sandbox/types.ts';
import { answerWith, type ScriptRunner, secretsOf } from '../webhook/handle-webhook.ts';
import { ApiError } from './api-error.ts';
import { fromTestRequest, testResult } from './dry-run.ts';
import { readJson, validate } from './json-body.ts';

import { json } from './responses.ts';
import { ownResponder, type RouteContext } from './route-context.ts';
import { executionDeadlineMs, runWithinBudget } from './run-budget.ts';
import type { TestResult } from './schemas.ts';
import type { ManagementResponse } from './types.ts';

export interface TestFailure {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface SavedTestResult {
  name: string;
  passed: boolean;
  failures: TestFailure[];
  /** Absent for a test that was not run (over the time budget). */
  answer?: Omit<TestResult, 'memoryBytes'>;
}

export interface SavedTestsRun {
  items: SavedTestResult[];
  summary: { total: number; passed: number; failed: number };
}

/** Where the tests' requests are said to come from (ids in logs, the namespace the script sees). */
export interface TestOrigin {
  namespace: string;
  request: { requestId: string };
}

const zeroSeed = new Uint8Array(32);
/** An actual body is quoted in a failure up to this many characters. */
const actualTextMaxChars = 1_000;

export async function runSavedTests(
  responder: Pick<ResponderInput, 'settings' | 'method' | 'location' | 'tests'>,
  sandbox: ScriptRunner,
  origin: TestOrigin,
  secrets: ScriptSecrets,
): Promise<SavedTestsRun> {
  const tests = responder.tests ?? [];
  const { done, notRun } = await runWithinBudget(
    tests,
    async (test): Promise<SavedTestResult> => {
      const { response, execution } = await answerWith(
        responder,
        fromTestRequest(origin, test.request, responder),
        sandbox,
        secrets,
        {
          seed:
            test.seedBase64 === undefined ? zeroSeed : new Uint8Array(Buffer.from(test.seedBase64, 'base64')),
          nowMs: test.nowMs ?? 0,
        },
      );
      const { memoryBytes: _memoryBytes, ...answer } = testResult(response, execution);
      const failures = check(test.expect, answer, Buffer.from(response.body).toString('utf8'));
      return { name: test.name, passed: failures.length === 0, failures, answer };
    },
    { deadlineMs: executionDeadlineMs(responder) },
  );
  const items = [
    ...done,
    ...notRun.map((test) => ({
      name: test.name,
      passed: false,
      failures: [
        { field: 'run', expected: 'to run', actual: 'not run: the tests before it used the time budget' },
      ],
    })),
  ];
  const passed = items.filter((item) => item.passed).length;
  return { items, summary: { total: items.length, passed, failed: items.length - passed } };
}

function check(
  expect: SavedTest['expect'],
  answer: Omit<TestResult, 'memoryBytes'>,
  text: string,
): TestFailure[] {
  const failures: TestFailure[] = [];
  const quoted = text.length > actualTextMaxChars ? `${text.slice(0, actualTextMaxChars)}…` : text;
  if (expect.statusCode !== undefined && expect.statusCode !== answer.statusCode) {
    failures.push({ field: 'statusCode', expected: expect.statusCode, actual: answer.statusCode });
  }
  for (const [name, value] of expect.headers ?? []) {
    const values = answer.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    if (!values.includes(value)) {
      failures.push({
        field: `headers.${name.toLowerCase()}`,
        expected: value,
        actual: values.length > 0 ? values.join(', ') : null,
      });
    }
  }
  if (expect.body !== undefined && expect.body !== text) {
    failures.push({ field: 'body', expected: expect.body, actual: quoted });
  }
  if (expect.bodyContains !== undefined && !text.includes(expect.bodyContains)) {
    failures.push({ field: 'bodyContains', expected: expect.bodyContains, actual: quoted });
  }
  if ('json' in expect) {
    let parsed: unknown;
    let parses = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      parses = false;
    }
    if (!parses || !isDeepStrictEqual(parsed, expect.json)) {
      failures.push({ field: 'json', expected: expect.json, actual: parses ? parsed : quoted });
    }
  }
  if (expect.outcome !== undefined && expect.outcome !== answer.outcome) {
    failures.push({ field: 'outcome', expected: expect.outcome, actual: answer.outcome });
  }
  return failures;
}

/** The failed tests as `422 tests_failed` details, or undefined when all passed. */
export function testsFailedError(run: SavedTestsRun, prefix = ''): ApiError | undefined {
  const failed = run.items.filter((item) => !item.passed);
  if (failed.length === 0) return undefined;
  return new ApiError(
    422,
    'tests_failed',
    `${prefix}tests failed: ${failed.map((item) => `${JSON.stringify(item.name)} (${item.failures.map((f) => f.field).join(', ')})`).join('; ')}; nothing was written`,
    {},
    failed.map(({ name, failures }) => ({ name, failures })),
  );
}

/** Before a write: the new definition's tests must all pass. */
export async function requirePassingTests(
  context: RouteContext,
  responder: Pick<ResponderInput, 'settings' | 'method' | 'location' | 'tests'>,
): Promise<void> {
  if (!responder.tests || responder.tests.length === 0) return;
  const refused = testsFailedError(await runWithSecrets(context, responder));
  if (refused) throw refused;
}

/** POST /api/responders/{id}/tests/run, optionally with a draft as the body. */
export async function runTestsRoute(context: RouteContext): Promise<ManagementResponse> {
  const stored = await ownResponder(context);
  const raw = readJson(context.request, { optional: true });
  const responder = raw === undefined ? stored : validate(responderCreateSchema, raw);
  return json(200, await runWithSecrets(context, responder));
}

/** The tests see the secrets the public path would give the responder (docs/contract.md §12). */
async function runWithSecrets(
  context: RouteContext,
  responder: Pick<ResponderInput, 'settings' | 'method' | 'location' | 'tests'>,
): Promise<SavedTestsRun> {
  const secrets = await secretsOf(responder, context.namespace, { secrets: context.deps.secrets?.source });
  return runSavedTests(responder, context.deps.sandbox, context, secrets);
}
