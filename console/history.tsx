// The tracked requests of the open responder, newest first, fetched again every 2 s while shown (docs/contract.md
// §11 asks for at least every 3 s), and the detail of one of them.
import { useEffect, useState } from 'preact/hooks';
import type { Responder, TrackedRequest } from './api.ts';
import { BodyView, ConsoleLines, HeaderTable } from './body-view.tsx';
import { formatBytes, formatMs, formatTime } from './format.ts';
import type { Session } from './session.ts';

const refreshMs = 2000;

/** A page of the history as the API gives it (docs/contract.md §5): a next token when older requests did not fit. */
interface HistoryPage {
  items: TrackedRequest[];
  nextToken?: string;
}

/** The newest page, fetched again every 2 s unless `paused`. */
function useNewestHistory(
  session: Session,
  responder: Responder,
  paused: boolean,
): HistoryPage | string | undefined {
  const [page, setPage] = useState<HistoryPage | string | undefined>();
  useEffect(() => {
    if (paused) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await session.call<HistoryPage>('GET', historyPath(responder));
        if (!stopped) setPage(answer.ok ? answer.value : answer.error.message);
      } catch (error) {
        if (!stopped) setPage(`The history could not be loaded: ${(error as Error).message}`);
      }
      // The next fetch waits for this one: a slow server is never asked twice at once.
      if (!stopped) timer = setTimeout(load, refreshMs);
    };
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session, responder.id, paused]);
  return page;
}

const historyPath = (responder: Responder, nextToken?: string) =>
  `/api/responders/${responder.id}/history${nextToken ? `?nextToken=${encodeURIComponent(nextToken)}` : ''}`;

export function pathAndQuery(request: { path: string; rawQuery: string }): string {
  return request.rawQuery ? `${request.path}?${request.rawQuery}` : request.path;
}

export function HistoryView({ session, responder }: { session: Session; responder: Responder }) {
  // Older pages, once asked for. While they are shown the newest page is not refreshed: requests arriving would
  // push some of it past the older pages' start, out of sight.
  const [older, setOlder] = useState<HistoryPage | undefined>();
  const [olderError, setOlderError] = useState<string | undefined>();
  const page = useNewestHistory(session, responder, older !== undefined);
  const [selected, setSelected] = useState<string | undefined>();
  const [clearing, setClearing] = useState(false);
  if (page === undefined) return <p>Loading the history…</p>;
  if (typeof page === 'string')
    return (
      <p class="error" role="alert">
        {page}
      </p>
    );
  const items = [...page.items, ...(older?.items ?? [])];
  const olderToken = older ? older.nextToken : page.nextToken;
  const loadOlder = async (nextToken: string) => {
    const answer = await session.call<HistoryPage>('GET', historyPath(responder, nextToken));
    if (!answer.ok) return setOlderError(answer.error.message);
    setOlderError(undefined);
    setOlder((shown) => ({
      items: [...(shown?.items ?? []), ...answer.value.items],
      nextToken: answer.value.nextToken,
    }));
  };
  const detail = items.find((item) => item.id === selected);
  const breakerOpen = items[0]?.outcome === 'breaker';
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {!responder.settings.requestsToTrack && (
        <p>This responder tracks no requests: set Requests to track above 0 to keep them.</p>
      )}
      {breakerOpen && (
        <p class="warning" role="status">
          Circuit breaker open: the script failed repeatedly, so recent requests were answered without running
          it (outcome breaker). Saving the responder closes the breaker.
        </p>
      )}
      {items.length === 0 ? (
        <p>No tracked requests yet.</p>
      ) : (
        <table class="list history">
          <caption>Tracked requests, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Method</th>
              <th scope="col">Path and query</th>
              <th scope="col">Status</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
              <th scope="col">Memory</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} class={item.id === selected ? 'selected' : undefined}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-pressed={item.id === selected}
                    aria-label={`Request at ${formatTime(item.createdAt)}`}
                    onClick={() => setSelected(item.id === selected ? undefined : item.id)}
                  >
                    {formatTime(item.createdAt)}
                  </button>
                </td>
                <td>{item.method}</td>
                <td class="path">{pathAndQuery(item)}</td>
                <td>{item.statusCode}</td>
                <td>{item.outcome ?? 'static'}</td>
                <td>{formatMs(item.durationMs)}</td>
                <td>{formatBytes(item.memoryBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {older && (
        <p role="status">
          Showing older requests too: the newest are not refreshed meanwhile.{' '}
          <button type="button" class="link" onClick={() => setOlder(undefined)}>
            Show the newest again
          </button>
        </p>
      )}
      {olderToken && (
        <button type="button" onClick={() => loadOlder(olderToken)}>
          Load older requests
        </button>
      )}
      {olderError && (
        <p class="error" role="alert">
          {olderError}
        </p>
      )}
      {detail && <RequestDetail request={detail} />}
      {items.length > 0 &&
        (clearing ? (
          <fieldset class="confirm">
            <legend>Forget every tracked request of this responder?</legend>
            <button
              type="button"
              class="danger"
              onClick={async () => {
                await session.call('DELETE', `/api/responders/${responder.id}/history`);
                setClearing(false);
                setOlder(undefined);
              }}
            >
              Yes, clear the history
            </button>
            <button type="button" onClick={() => setClearing(false)}>
              Cancel
            </button>
          </fieldset>
        ) : (
          <button type="button" onClick={() => setClearing(true)}>
            Clear history
          </button>
        ))}
    </section>
  );
}

function RequestDetail({ request }: { request: TrackedRequest }) {
  return (
    <article class="detail" aria-labelledby="detail-heading">
      <h3 id="detail-heading">
        {request.method} {pathAndQuery(request)}
      </h3>
      <p>
        {formatTime(request.createdAt)} from {request.clientAddress ?? 'an unknown address'}; answered{' '}
        {request.statusCode} ({request.outcome ?? 'static'}) in {formatMs(request.durationMs)},{' '}
        {formatBytes(request.memoryBytes)}
      </p>
      <h4>Request</h4>
      <HeaderTable caption="Request headers" headers={Object.entries(request.headers)} />
      <BodyView label="Request body" base64={request.body} truncated={request.bodyTruncated} />
      <h4>Answer</h4>
      {request.response ? (
        <>
          <HeaderTable caption="Answer headers" headers={request.response.headers} />
          <BodyView
            label="Answer body"
            base64={request.response.bodyBase64}
            truncated={request.response.bodyTruncated}
          />
        </>
      ) : (
        <p>The answer was not kept (the script answered trackResponse: false).</p>
      )}
      <h4>Console</h4>
      <ConsoleLines lines={request.console} />
      <h4>Upstream calls</h4>
      {request.upstream && request.upstream.length > 0 ? (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {request.upstream.map((call, index) => (
              <tr key={index}>
                <td>{call.method}</td>
                <td class="path">{call.url}</td>
                <td>{call.statusCode ?? 'none'}</td>
                <td>{formatMs(call.durationMs)}</td>
                <td>{call.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>None.</p>
      )}
    </article>
  );
}
