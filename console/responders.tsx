// The namespace's responders: the list, and one responder open at a time.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import type { Responder } from './api.ts';
import { ResponderPage } from './responder-page.tsx';
import type { Session } from './session.ts';

export function RespondersView({ session }: { session: Session }) {
  const [open, setOpen] = useState<Responder | 'new' | undefined>();
  if (open !== undefined) {
    return (
      <ResponderPage
        session={session}
        responder={open === 'new' ? undefined : open}
        close={() => setOpen(undefined)}
        opened={(responder) => setOpen(responder)}
      />
    );
  }
  return <ResponderList session={session} open={setOpen} />;
}

async function listAll(session: Session): Promise<Responder[] | string> {
  const items: Responder[] = [];
  let nextToken: string | undefined;
  do {
    const query = nextToken ? `?nextToken=${encodeURIComponent(nextToken)}` : '';
    const page = await session.call<{ items: Responder[]; nextToken?: string }>(
      'GET',
      `/api/responders${query}`,
    );
    if (!page.ok) return page.error.message;
    items.push(...page.value.items);
    nextToken = page.value.nextToken;
  } while (nextToken);
  return items;
}

function ResponderList({ session, open }: { session: Session; open(responder: Responder | 'new'): void }) {
  const [responders, setResponders] = useState<Responder[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    listAll(session).then((result) => {
      if (typeof result === 'string') setProblem(result);
      else setResponders(result);
    });
  }, [session, reloads]);

  const toggle = async (responder: Responder) => {
    const { id, version, createdAt, updatedAt, ...definition } = responder;
    const answer = await session.call<Responder>('PUT', `/api/responders/${id}`, {
      ...definition,
      version,
      enabled: !responder.enabled,
    });
    setProblem(answer.ok ? undefined : `${responder.name}: ${answer.error.message}`);
    setReloads((count) => count + 1);
  };

  return (
    <section aria-labelledby="responders-heading">
      <div class="bar">
        <h1 id="responders-heading">Responders</h1>
        <button type="button" onClick={() => open('new')}>
          New responder
        </button>
      </div>
      <Alert message={problem} />
      {responders === undefined ? (
        <p>Loading…</p>
      ) : responders.length === 0 ? (
        <p>No responders yet.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Method</th>
              <th scope="col">Location</th>
              <th scope="col">Enabled</th>
              <th scope="col">Tracking</th>
              <th scope="col">Kind</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {responders.map((responder) => (
              <tr key={responder.id}>
                <td>
                  <button type="button" class="link" onClick={() => open(responder)}>
                    {responder.name}
                  </button>
                </td>
                <td>{responder.method}</td>
                <td>
                  <code>
                    {responder.location.pathType === '^' ? 'prefix ' : ''}
                    {responder.location.path}
                  </code>
                </td>
                <td>{responder.enabled ? 'yes' : 'no'}</td>
                <td>
                  {responder.settings.requestsToTrack ? `last ${responder.settings.requestsToTrack}` : 'off'}
                </td>
                <td>{responder.settings.script ? 'script' : 'static'}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`${responder.enabled ? 'Disable' : 'Enable'} ${responder.name}`}
                    onClick={() => toggle(responder)}
                  >
                    {responder.enabled ? 'Disable' : 'Enable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
