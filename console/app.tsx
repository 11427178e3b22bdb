// Sign in, then the responders or the secrets of the key's namespace.
import { useEffect, useState } from 'preact/hooks';
import { api, forgetKey, KeyRefused, storedKey, storeKey } from './api.ts';
import { RespondersView } from './responders.tsx';
import { SecretsView } from './secrets.tsx';
import { type Session, session } from './session.ts';

type View = 'responders' | 'secrets';

export function App() {
  const [current, setCurrent] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [checking, setChecking] = useState(storedKey() !== null);

  const signOut = (message?: string) => {
    forgetKey();
    setCurrent(undefined);
    setNotice(message);
  };

  const signIn = async (key: string): Promise<string | undefined> => {
    try {
      const answer = await api<{ namespace: string }>(key, 'GET', '/api/namespace');
      if (!answer.ok) return `The server could not check the key: ${answer.error.message}`;
      storeKey(key);
      setNotice(undefined);
      setCurrent(
        session(key, answer.value.namespace, () =>
          signOut('Your API key is no longer accepted: sign in again.'),
        ),
      );
      return undefined;
    } catch (error) {
      if (error instanceof KeyRefused) return 'That API key was not accepted. Check it and try again.';
      return `The server could not be reached: ${(error as Error).message}`;
    }
  };

  // A reload of the tab keeps the session: the key is still in sessionStorage.
  useEffect(() => {
    const key = storedKey();
    if (key === null) return;
    signIn(key).then((problem) => {
      if (problem) signOut(problem);
      setChecking(false);
    });
  }, []);

  if (checking && !current) return <p class="loading">Checking the stored key…</p>;
  if (!current) return <SignIn signIn={signIn} notice={notice} />;
  return <Signed session={current} signOut={() => signOut()} />;
}

function SignIn({ signIn, notice }: { signIn(key: string): Promise<string | undefined>; notice?: string }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>Webhook responders</h1>
      {/* method=post: even without this script, the key would never end up in a URL. */}
      <form
        method="post"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setProblem(await signIn(key.trim()));
          setBusy(false);
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          value={key}
          required
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'sign-in-problem' : undefined}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {problem && (
          <p id="sign-in-problem" class="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}

function Signed({ session, signOut }: { session: Session; signOut(): void }) {
  const [view, setView] = useState<View>('responders');
  return (
    <>
      <header class="top">
        <p class="brand">
          Webhook responders <span class="namespace">namespace {session.namespace}</span>
        </p>
        <nav aria-label="Sections">
          <button
            type="button"
            aria-current={view === 'responders' ? 'page' : undefined}
            onClick={() => setView('responders')}
          >
            Responders
          </button>
          <button
            type="button"
            aria-current={view === 'secrets' ? 'page' : undefined}
            onClick={() => setView('secrets')}
          >
            Secrets
          </button>
        </nav>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {view === 'responders' ? <RespondersView session={session} /> : <SecretsView session={session} />}
      </main>
    </>
  );
}
