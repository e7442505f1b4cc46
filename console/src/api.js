// The console's only way to the service. The session is an HttpOnly cookie the page never
// sees; every call that the cookie authenticates carries the anti-forgery token the service
// handed out with the session (header X-Ersou-Antiforgery), so a page of another site that
// makes the browser send the cookie cannot make a change or a logged read.

let antiforgery = null;

// The live streams opened with this session (openStream), ended before the session is.
const streams = new Set();

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function send(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (antiforgery) headers['X-Ersou-Antiforgery'] = antiforgery;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  return { response, json };
}

/** The session as the service holds it: { signedIn, subject, role, force, providers }. */
export async function loadSession() {
  const { response, json } = await send('/console/session');
  if (!response.ok) throw new ApiError('The service did not answer; try again.', 'UNAVAILABLE');
  antiforgery = json.antiforgery;
  return json;
}

export async function signIn(username, password) {
  const { response, json } = await send('/console/session', { method: 'POST', body: { username, password } });
  if (!response.ok) throw new ApiError(json?.error ?? 'Sign-in failed; try again.', 'SIGN_IN');
  antiforgery = json.antiforgery;
  return json;
}

export async function signOut() {
  for (const stream of streams) stream.abort();
  await send('/console/sign-out', { method: 'POST' });
  // The token belonged to the session that ended; the sign-in form needs an anonymous one.
  antiforgery = null;
  return loadSession();
}

/** Runs one GraphQL operation; errors come back as an ApiError with the first error's message and code. */
export async function graphql(query, variables = {}) {
  const { response, json } = await send('/graphql', { method: 'POST', body: { query, variables } });
  if (response.status === 401 || response.status === 403) {
    throw new ApiError(json?.errors?.[0]?.message ?? 'Your session has ended: sign in again.', 'UNAUTHENTICATED');
  }
  if (json?.errors?.length) {
    const first = json.errors[0];
    throw new ApiError(first.message, first.extensions?.code);
  }
  if (!response.ok || !json) throw new ApiError('The service did not answer; try again.', 'UNAVAILABLE');
  return json.data;
}

/**
 * Opens a GraphQL over SSE stream (graphql-sse, distinct connections mode) with the session: a
 * fetch, since EventSource cannot send the anti-forgery header. Answers { response, close }: the
 * body is for sse.js to read, close() ends it (call it when done); so do `signal` and signing out.
 */
export async function openStream(query, variables, signal) {
  const ending = new AbortController();
  const close = () => ending.abort();
  signal.addEventListener('abort', close, { once: true });
  ending.signal.addEventListener('abort', () => {
    streams.delete(ending);
    signal.removeEventListener('abort', close);
  }, { once: true });
  streams.add(ending);
  if (signal.aborted) close();
  const headers = { Accept: 'text/event-stream', 'Content-Type': 'application/json' };
  if (antiforgery) headers['X-Ersou-Antiforgery'] = antiforgery;
  try {
    const response = await fetch('/graphql/stream', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ending.signal,
    });
    return { response, close };
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * Writes an export into the access log before the file is made (a DISCLOSURE entry naming the
 * records in it); the browser builds the file only once this has answered.
 */
export async function logExport(format, scope, records) {
  const { response, json } = await send('/console/exports', {
    method: 'POST',
    body: { format, purpose: scope.purpose, justification: scope.justification, records },
  });
  if (!response.ok) throw new ApiError(json?.error ?? 'The export could not be logged, so it was not made.', 'EXPORT');
}
