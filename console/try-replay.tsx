// Run the draft in the form without saving it: against one request (tracked or hand-made), or over the whole
// history with each answer compared to the one recorded (docs/contract.md §9).
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import type { Answer, ReplayItem, ReplayResult, Responder, TrackedRequest } from './api.ts';
import { BodyView, ConsoleLines, HeaderTable } from './body-view.tsx';
import { base64FromText } from './bytes.ts';
import { draftOf, type ResponderForm } from './draft.ts';
import { formatBytes, formatMs, formatTime } from './format.ts';
import { pathAndQuery } from './history.tsx';
import type { Session } from './session.ts';

interface Props {
  session: Session;
  responder: Responder;
  form: ResponderForm;
}

export function TryReplayView(props: Props) {
  const [history, setHistory] = useState<TrackedRequest[]>([]);
  useEffect(() => {
    props.session
      .call<{ items: TrackedRequest[] }>('GET', `/api/responders/${props.responder.id}/history`)
      .then((answer) => answer.ok && setHistory(answer.value.items));
  }, [props.session, props.responder.id]);
  return (
    <>
      <TryView {...props} history={history} />
      <ReplayView {...props} history={history} />
    </>
  );
}

function headersOf(lines: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function TryView({ session, responder, form, history }: Props & { history: TrackedRequest[] }) {
  const [source, setSource] = useState('hand-made');
  const [method, setMethod] = useState(responder.method === 'ANY' ? 'GET' : responder.method);
  const [path, setPath] = useState(responder.location.path);
  const [query, setQuery] = useState('');
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const [answer, setAnswer] = useState<Answer | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const run = async () => {
    setProblem(undefined);
    setAnswer(undefined);
    const { draft, errors } = draftOf(form);
    if (!draft) {
      setProblem(`The draft has errors: ${Object.values(errors).join('; ')}`);
      return;
    }
    const tracked = source !== 'hand-made';
    const request = {
      method,
      path,
      rawQuery: query,
      headers: headersOf(headers),
      bodyBase64: base64FromText(body),
    };
    const result = await session.call<Answer>(
      'POST',
      `/api/responders/${responder.id}/test${tracked ? `?request=${encodeURIComponent(source)}` : ''}`,
      tracked ? { responder: draft } : { responder: draft, request },
    );
    if (result.ok) setAnswer(result.value);
    else {
      setAnswer(undefined);
      setProblem(result.error.message);
    }
  };

  return (
    <section aria-labelledby="try-heading">
      <h2 id="try-heading">Try the draft</h2>
      <form
        method="post"
        onSubmit={(event) => {
          event.preventDefault();
          run();
        }}
      >
        <div class="field">
          <label for="try-source">Request to try</label>
          <select id="try-source" value={source} onChange={(event) => setSource(event.currentTarget.value)}>
            <option value="hand-made">A hand-made request</option>
            {history.map((item) => (
              <option key={item.id} value={item.id}>
                {formatTime(item.createdAt)} {item.method} {pathAndQuery(item)}
              </option>
            ))}
          </select>
        </div>
        {source === 'hand-made' && (
          <>
            <div class="row">
              <div class="field">
                <label for="try-method">Request method</label>
                <input
                  id="try-method"
                  value={method}
                  onInput={(event) => setMethod(event.currentTarget.value)}
                />
              </div>
              <div class="field">
                <label for="try-path">Request path</label>
                <input id="try-path" value={path} onInput={(event) => setPath(event.currentTarget.value)} />
              </div>
              <div class="field">
                <label for="try-query">Request query</label>
                <input
                  id="try-query"
                  value={query}
                  onInput={(event) => setQuery(event.currentTarget.value)}
                />
              </div>
            </div>
            <div class="field">
              <label for="try-headers">Request headers</label>
              <textarea
                id="try-headers"
                rows={2}
                value={headers}
                onInput={(event) => setHeaders(event.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="try-body">Request body</label>
              <textarea
                id="try-body"
                rows={2}
                value={body}
                onInput={(event) => setBody(event.currentTarget.value)}
              />
            </div>
          </>
        )}
        <button type="submit">Try</button>
      </form>
      <Alert message={problem} />
      {answer && <AnswerView answer={answer} title="The draft's answer" />}
    </section>
  );
}

export function AnswerView({ answer, title }: { answer: Answer; title: string }) {
  return (
    <article class="answer" aria-label={title}>
      <h3>{title}</h3>
      <p>
        Status {answer.statusCode}, outcome {answer.outcome ?? 'static'}
        {answer.durationMs !== undefined && `, ${formatMs(answer.durationMs)}`}
        {answer.memoryBytes !== undefined && `, ${formatBytes(answer.memoryBytes)}`}
      </p>
      <HeaderTable caption="Answer headers" headers={answer.headers} />
      <BodyView label="Answer body" base64={answer.bodyBase64} />
      {answer.console && <ConsoleLines lines={answer.console} />}
    </article>
  );
}

function ReplayView({ session, responder, form, history }: Props & { history: TrackedRequest[] }) {
  const [result, setResult] = useState<ReplayResult | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const replay = async () => {
    setProblem(undefined);
    const { draft, errors } = draftOf(form);
    if (!draft) {
      setProblem(`The draft has errors: ${Object.values(errors).join('; ')}`);
      return;
    }
    const answer = await session.call<ReplayResult>('POST', `/api/responders/${responder.id}/replay`, {
      responder: draft,
    });
    if (answer.ok) setResult(answer.value);
    else setProblem(answer.error.message);
  };
  const requestOf = (id: string) => history.find((item) => item.id === id);
  return (
    <section aria-labelledby="replay-heading">
      <h2 id="replay-heading">Replay the history</h2>
      <p>
        Runs the draft against every tracked request with its recorded seed and time, and compares the
        answers.
      </p>
      <button type="button" onClick={replay}>
        Replay the draft over the history
      </button>
      <Alert message={problem} />
      {result && (
        <>
          <p role="status">
            {result.summary.total} replayed: {result.summary.same} same, {result.summary.different} different
            {result.notRun && result.notRun.length > 0
              ? `, ${result.notRun.length} not run (time or size budget)`
              : ''}
          </p>
          <ul class="replay">
            {result.items.map((item) => (
              <ReplayLine key={item.requestId} item={item} request={requestOf(item.requestId)} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ReplayLine({ item, request }: { item: ReplayItem; request: TrackedRequest | undefined }) {
  const { diff } = item;
  return (
    <li class={item.same ? 'same' : 'different'}>
      <strong>{item.same ? 'same' : 'different'}</strong>{' '}
      {request
        ? `${formatTime(request.createdAt)} ${request.method} ${pathAndQuery(request)}`
        : item.requestId}
      {!item.same && (
        <ul>
          {diff.statusCode && (
            <li>
              status {diff.statusCode[0]} → {diff.statusCode[1]}
            </li>
          )}
          {diff.headers?.added.map(([name, value]) => (
            <li key={`+${name}`}>
              header added: {name}: {value}
            </li>
          ))}
          {diff.headers?.removed.map(([name, value]) => (
            <li key={`-${name}`}>
              header removed: {name}: {value}
            </li>
          ))}
          {diff.headers?.changed.map(([name, recorded, replayed]) => (
            <li key={`~${name}`}>
              header {name}: {recorded} → {replayed}
            </li>
          ))}
          {diff.body && (
            <li>
              body: recorded {diff.body.recordedBytes} bytes, replayed {diff.body.replayedBytes} bytes
              {diff.body.firstDifferenceAt !== undefined
                ? `, first difference at byte ${diff.body.firstDifferenceAt}`
                : ''}
              {diff.body.truncated ? ' (compared on the kept prefix)' : ''}
            </li>
          )}
          {item.recorded.outcome !== item.replayed.outcome && (
            <li>
              outcome {item.recorded.outcome ?? 'static'} → {item.replayed.outcome ?? 'static'}
            </li>
          )}
        </ul>
      )}
      {!item.same && <AnswerView answer={item.replayed} title="Replayed answer" />}
    </li>
  );
}
