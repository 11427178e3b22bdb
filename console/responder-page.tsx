// One responder: its definition (the form), its public URL, and once saved its history, try and replay, and
// saved tests. The draft in the form is what try, replay and the tests run, saved or not.
import { useEffect, useState } from 'preact/hooks';
import type { Responder, TestRun } from './api.ts';
import { DefinitionForm } from './definition-form.tsx';
import {
  draftOf,
  emptyForm,
  errorsOfMessage,
  type FieldErrors,
  formOf,
  type ResponderForm,
} from './draft.ts';
import { HistoryView } from './history.tsx';
import type { Session } from './session.ts';
import { TestsView } from './tests-view.tsx';
import { TryReplayView } from './try-replay.tsx';

type Tab = 'definition' | 'history' | 'try' | 'tests';

export interface ResponderPageProps {
  session: Session;
  responder: Responder | undefined;
  close(): void;
  opened(responder: Responder): void;
}

export function ResponderPage({ session, responder, close, opened }: ResponderPageProps) {
  const [form, setForm] = useState<ResponderForm>(responder ? formOf(responder) : emptyForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [conflict, setConflict] = useState(false);
  const [failedTests, setFailedTests] = useState<TestRun[] | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [tab, setTab] = useState<Tab>('definition');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [revision, setRevision] = useState(0);

  // A new responder opens to be filled in, from its first field.
  useEffect(() => {
    if (!responder) document.getElementById('field-name')?.focus();
  }, []);

  const save = async () => {
    setStatus(undefined);
    setConflict(false);
    setFailedTests(undefined);
    const { draft, errors: local } = draftOf(form);
    setErrors(local);
    if (!draft) return;
    const answer = responder
      ? await session.call<Responder>('PUT', `/api/responders/${responder.id}`, {
          ...draft,
          version: responder.version,
        })
      : await session.call<Responder>('POST', '/api/responders', draft);
    if (answer.ok) {
      setErrors({});
      setStatus(`Saved (version ${answer.value.version}).`);
      opened(answer.value);
      return;
    }
    const { code, message, details } = answer.error;
    if (code === 'version_conflict') {
      setConflict(true);
    } else if (code === 'tests_failed') {
      setFailedTests((details as TestRun[] | undefined) ?? []);
      setErrors({ tests: message });
    } else {
      setErrors(errorsOfMessage(message));
    }
  };

  const reload = async () => {
    if (!responder) return;
    const answer = await session.call<Responder>('GET', `/api/responders/${responder.id}`);
    if (!answer.ok) {
      setErrors({ general: answer.error.message });
      return;
    }
    setConflict(false);
    setErrors({});
    setForm(formOf(answer.value));
    setRevision((current) => current + 1);
    setStatus(`Reloaded version ${answer.value.version}.`);
    opened(answer.value);
  };

  const remove = async () => {
    if (!responder) return;
    const answer = await session.call<unknown>('DELETE', `/api/responders/${responder.id}`);
    if (answer.ok) close();
    else setErrors({ general: answer.error.message });
  };

  const tabs: [Tab, string][] = responder
    ? [
        ['definition', 'Definition'],
        ['history', 'History'],
        ['try', 'Try and replay'],
        ['tests', 'Tests'],
      ]
    : [['definition', 'Definition']];

  return (
    <section aria-labelledby="responder-heading">
      <div class="bar">
        <h1 id="responder-heading">{responder ? responder.name : 'New responder'}</h1>
        <button type="button" onClick={close}>
          Back to the list
        </button>
      </div>
      {responder && <PublicUrl namespace={session.namespace} responder={responder} />}
      {tabs.length > 1 && (
        <nav aria-label="Responder" class="tabs">
          {tabs.map(([name, label]) => (
            <button
              key={name}
              type="button"
              aria-current={tab === name ? 'page' : undefined}
              onClick={() => setTab(name)}
            >
              {label}
            </button>
          ))}
        </nav>
      )}
      {tab === 'definition' && (
        <>
          <DefinitionForm form={form} setForm={setForm} errors={errors} save={save} revision={revision} />
          <div class="actions">
            {status && (
              <p role="status" class="ok">
                {status}
              </p>
            )}
            {conflict && (
              <div role="alert" class="error">
                <p>
                  This responder was changed elsewhere since you opened it (version conflict): nothing was
                  saved.
                </p>
                <button type="button" onClick={reload}>
                  Reload the latest version
                </button>
              </div>
            )}
            {failedTests && <FailedTests runs={failedTests} />}
            {responder &&
              (confirmDelete ? (
                <fieldset class="confirm">
                  <legend>Delete {responder.name} and its history?</legend>
                  <button type="button" class="danger" onClick={remove}>
                    Yes, delete
                  </button>
                  <button type="button" onClick={() => setConfirmDelete(false)}>
                    Cancel
                  </button>
                </fieldset>
              ) : (
                <button type="button" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              ))}
          </div>
        </>
      )}
      {tab === 'history' && responder && <HistoryView session={session} responder={responder} />}
      {tab === 'try' && responder && <TryReplayView session={session} responder={responder} form={form} />}
      {tab === 'tests' && responder && (
        <TestsView session={session} responder={responder} form={form} setForm={setForm} />
      )}
    </section>
  );
}

function FailedTests({ runs }: { runs: TestRun[] }) {
  return (
    <div role="alert" class="error">
      <p>Saved tests failed against this definition: nothing was saved.</p>
      <ul>
        {runs.map((run) => (
          <li key={run.name}>
            {run.name}:{' '}
            {run.failures
              .map(
                (failure) =>
                  `${failure.field} expected ${JSON.stringify(failure.expected)}, got ${JSON.stringify(failure.actual)}`,
              )
              .join('; ')}
          </li>
        ))}
      </ul>
    </div>
  );
}

function PublicUrl({ namespace, responder }: { namespace: string; responder: Responder }) {
  const url = `${location.origin}/${namespace}${responder.location.path === '/' ? '' : responder.location.path}`;
  const method = responder.method === 'ANY' ? 'GET' : responder.method;
  const curl = `curl -i -X ${method} '${url.replaceAll("'", "'\\''")}'`;
  const [copied, setCopied] = useState<string | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied.');
    } catch {
      setCopied('Copying was refused: select the URL and copy it.');
    }
  };
  return (
    <div class="public-url">
      <p>
        Public URL{responder.location.pathType === '^' ? ' (and every path below it)' : ''}:{' '}
        <code>{url}</code>{' '}
        <button type="button" onClick={copy}>
          Copy URL
        </button>{' '}
        <span role="status">{copied}</span>
      </p>
      <p>
        Try it: <code>{curl}</code>
      </p>
    </div>
  );
}
