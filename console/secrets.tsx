// The namespace's secrets (docs/contract.md §12): names and update times only; a value goes in once and is never shown.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import type { SecretItem } from './api.ts';
import { formatTime } from './format.ts';
import type { Session } from './session.ts';

export function SecretsView({ session }: { session: Session }) {
  const [items, setItems] = useState<SecretItem[] | undefined>();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();

  const load = async () => {
    const answer = await session.call<{ items: SecretItem[] }>('GET', '/api/secrets');
    if (answer.ok) setItems(answer.value.items);
    else setProblem(answer.error.message);
  };
  useEffect(() => {
    load();
  }, [session]);

  const put = async () => {
    setProblem(undefined);
    const answer = await session.call('PUT', `/api/secrets/${encodeURIComponent(name)}`, { value });
    if (!answer.ok) {
      setProblem(answer.error.message);
      return;
    }
    setStatus(`Secret ${name} set.`);
    setName('');
    setValue('');
    await load();
  };

  const remove = async (secret: string) => {
    setProblem(undefined);
    const answer = await session.call('DELETE', `/api/secrets/${encodeURIComponent(secret)}`);
    if (answer.ok) setStatus(`Secret ${secret} deleted.`);
    else setProblem(answer.error.message);
    await load();
  };

  return (
    <section aria-labelledby="secrets-heading">
      <h1 id="secrets-heading">Secrets</h1>
      <p>
        Scripts see the secrets their responder's Secret access allows as <code>context.secrets</code>. A
        value is stored encrypted and never shown again.
      </p>
      {items === undefined ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No secrets yet.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.name}>
                <td>
                  <code>{item.name}</code>
                </td>
                <td>{formatTime(item.updatedAt * 1000)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Delete secret ${item.name}`}
                    onClick={() => remove(item.name)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        method="post"
        onSubmit={(event) => {
          event.preventDefault();
          put();
        }}
      >
        <h2>Set a secret</h2>
        <div class="row">
          <div class="field">
            <label for="secret-name">Secret name</label>
            <input
              id="secret-name"
              value={name}
              required
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="secret-value">Secret value</label>
            <input
              id="secret-value"
              type="password"
              autocomplete="off"
              value={value}
              onInput={(event) => setValue(event.currentTarget.value)}
            />
          </div>
        </div>
        <button type="submit">Set secret</button>
      </form>
      <Alert message={problem} />
      {status && <p role="status">{status}</p>}
    </section>
  );
}
