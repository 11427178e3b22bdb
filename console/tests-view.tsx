// The responder's saved tests (docs/contract.md §9), edited as JSON in the draft and run without saving. A save runs
// them too, and a failing one stops the save (shown beside Save).
import { useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import type { Responder, TestsRunResult } from './api.ts';
import { draftOf, type ResponderForm } from './draft.ts';
import type { Session } from './session.ts';
import { AnswerView } from './try-replay.tsx';

interface Props {
  session: Session;
  responder: Responder;
  form: ResponderForm;
  setForm(update: (form: ResponderForm) => ResponderForm): void;
}

const example = `[
  {
    "name": "answers 200",
    "request": { "method": "GET", "path": "/hello" },
    "expect": { "statusCode": 200 }
  }
]`;

export function TestsView({ session, responder, form, setForm }: Props) {
  const [result, setResult] = useState<TestsRunResult | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const run = async () => {
    setProblem(undefined);
    const { draft, errors } = draftOf(form);
    if (!draft) {
      setProblem(Object.values(errors).join('; '));
      return;
    }
    const answer = await session.call<TestsRunResult>(
      'POST',
      `/api/responders/${responder.id}/tests/run`,
      draft,
    );
    if (answer.ok) setResult(answer.value);
    else setProblem(answer.error.message);
  };
  return (
    <section aria-labelledby="tests-heading">
      <h2 id="tests-heading">Saved tests</h2>
      <p>
        A JSON list of tests (at most 20), each a request and what its answer must be. They run on every save;
        Save on the Definition tab stores them with the responder.
      </p>
      <div class="field">
        <label for="field-tests">Saved tests (JSON)</label>
        <textarea
          id="field-tests"
          rows={12}
          class="code"
          aria-describedby="tests-example"
          value={form.tests}
          onInput={(event) => {
            const tests = event.currentTarget.value;
            setForm((current) => ({ ...current, tests }));
          }}
        />
        <p class="hint" id="tests-example">
          For example: <code>{example}</code>
        </p>
      </div>
      <button type="button" onClick={run}>
        Run the tests
      </button>
      <Alert message={problem} />
      {result && (
        <>
          <p role="status">
            {result.summary.total} tests: {result.summary.passed} passed, {result.summary.failed} failed
          </p>
          <ul class="test-results">
            {result.items.map((run) => (
              <li key={run.name} class={run.passed ? 'same' : 'different'}>
                <strong>{run.passed ? 'passed' : 'failed'}</strong> {run.name}
                {run.failures.length > 0 && (
                  <ul>
                    {run.failures.map((failure) => (
                      <li key={failure.field}>
                        {failure.field}: expected {JSON.stringify(failure.expected)}, got{' '}
                        {JSON.stringify(failure.actual)}
                      </li>
                    ))}
                  </ul>
                )}
                {!run.passed && run.answer && (
                  <AnswerView answer={run.answer} title={`Answer to ${run.name}`} />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
