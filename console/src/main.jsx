import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSession, signIn, signOut } from './api.js';
import { route, href } from './router.js';
import { scope, startWork, endWork, PURPOSES, purposeLabel } from './scope.js';
import { useSignal } from './signal.js';
import { SearchPage } from './pages/search.jsx';
import { EntityPage } from './pages/entity.jsx';
import { CasesPage } from './pages/cases.jsx';
import { CasePage } from './pages/case.jsx';
import { AccessLogPage } from './pages/access-log.jsx';
import { AlertsRegion } from './alerts/AlertsRegion.jsx';

function App() {
  const [session, setSession] = useState(null);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    loadSession().then(setSession, (e) => setFailure(e.message));
  }, []);

  if (failure) return <main><p role="alert">{failure}</p></main>;
  if (!session) return <main><p class="loading">Loading the console…</p></main>;
  if (!session.signedIn) return <SignIn providers={session.providers ?? []} onSignedIn={setSession} />;
  return <Console session={session} onSignedOut={(anonymous) => { endWork(); setSession(anonymous); }} />;
}

function SignIn({ providers, onSignedIn }) {
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setMessage(null);
    try {
      onSignedIn(await signIn(form.get('username'), form.get('password')));
    } catch (e) {
      setMessage(e.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>ErsouIntel</h1>
      <p>Sign in to read and work shared intelligence. Every look at a record is logged.</p>
      {message && <p class="error" role="alert">{message}</p>}
      <form onSubmit={submit}>
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      {providers.length > 0 && (
        <section aria-label="Other ways to sign in">
          {providers.map((p) => <p key={p.href}><a href={p.href}>Sign in with {p.name}</a></p>)}
        </section>
      )}
    </main>
  );
}

/** Work starts with a purpose and a justification (s.62: why is this person looking?). */
function PurposeForm({ current, onCancel }) {
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startWork(form.get('purpose'), form.get('justification').trim());
  };
  return (
    <form class="purpose" onSubmit={submit}>
      <h2>Why are you looking?</h2>
      <p>Every read you make is logged with this purpose and justification, until you change them.</p>
      <label for="purpose">Purpose</label>
      <select id="purpose" name="purpose" required value={current?.purpose ?? 'INVESTIGATION'}>
        {PURPOSES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
      </select>
      <label for="justification">Justification</label>
      <textarea id="justification" name="justification" required minLength={3} rows={3}
        placeholder="e.g. Operation HOLT: courier fraud against elderly victims, Herts and Essex">{current?.justification ?? ''}</textarea>
      <button type="submit">Start</button>
      {onCancel && <button type="button" onClick={onCancel}>Keep the current purpose</button>}
    </form>
  );
}

function Console({ session, onSignedOut }) {
  const current = useSignal(scope);
  const { page, args } = useSignal(route);
  const [changing, setChanging] = useState(false);
  const investigator = session.role === 'investigator';
  const auditor = session.role === 'auditor';

  const out = async () => {
    onSignedOut(await signOut());
  };

  let body;
  if (investigator && (!current || changing)) {
    body = <PurposeForm current={current} onCancel={current ? () => setChanging(false) : null} />;
  } else if (investigator) {
    body = page === 'entity' ? <EntityPage kind={args[0]} entityKey={args[1]} />
      : page === 'cases' && args[0] ? <CasePage id={args[0]} />
      : page === 'cases' ? <CasesPage />
      : <SearchPage />;
  } else if (auditor) {
    body = <AccessLogPage />;
  } else {
    body = <p>The console is for investigators and auditors. Your role ({session.role}) works through the API.</p>;
  }

  useEffect(() => setChanging(false), [current]);

  return (
    <>
      <header class="bar">
        <a class="brand" href="#/">ErsouIntel</a>
        <nav aria-label="Main">
          {investigator && <a href={href('')}>Search</a>}
          {investigator && <a href={href('cases')}>Cases</a>}
          {auditor && <a href={href('')}>Access log</a>}
        </nav>
        <span class="who">{session.subject}{session.force ? ` (${session.force})` : ''}</span>
        <button type="button" onClick={out}>Sign out</button>
      </header>
      {investigator && current && !changing && (
        <section class="scope" aria-label="Purpose of this work">
          <span><strong>Purpose:</strong> {purposeLabel(current.purpose)}</span>
          <span><strong>Justification:</strong> {current.justification}</span>
          <button type="button" onClick={() => setChanging(true)}>Change purpose</button>
        </section>
      )}
      {/* Alerts beside every page of an investigator's work, followed under the work's purpose: a new
          purpose or justification (the key) starts them afresh; signing out ends them (api.js). */}
      {investigator && current ? (
        <div class="work">
          <main>{body}</main>
          <AlertsRegion key={`${current.purpose}\n${current.justification}`} />
        </div>
      ) : <main>{body}</main>}
    </>
  );
}

// The placeholder in index.html is for the time before the script runs; Preact adds to what a node holds.
const root = document.getElementById('app');
root.replaceChildren();
render(<App />, root);
