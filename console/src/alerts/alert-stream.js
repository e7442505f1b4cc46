// The live half of region "Alerts": Subscription.alerts over GraphQL over SSE (graphql-sse,
// distinct connections mode, POST /graphql/stream) with the console's session. A dropped stream
// is opened again after a growing, jittered pause, from the newest alert the page shows (`after`),
// so that a reconnect misses nothing.
import { openStream } from '../api.js';
import { serverSentEvents } from './sse.js';

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;
// A stream that stayed open this long was working: the next pause starts short again.
const STEADY_MS = 30_000;

// Errors that asking again will not mend: stop and say why, rather than knock every 30 seconds.
const FINAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'JUSTIFICATION_REQUIRED']);

class Stop extends Error {}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/**
 * Follows the subscription `query` with `variables()` (asked afresh for each connection, for its
 * `after`): onAlert(alert) for each one delivered, onState({ state, message }) as the connection
 * goes ('live', 'waiting' with the seconds until the next try, 'stopped'). Answers stop().
 */
export function followAlerts(query, variables, { onAlert, onState }) {
  const controller = new AbortController();
  const { signal } = controller;

  /** One connection, until it ends: resolves when it closed normally, throws Stop or another error. */
  const connect = async () => {
    const { response, close } = await openStream(query, variables(), signal);
    try {
      if (response.status === 401 || response.status === 403) throw new Stop('Your session has ended: sign in again to receive alerts.');
      if (!response.ok || !response.headers.get('Content-Type')?.startsWith('text/event-stream')) {
        throw new Error(`the service answered ${response.status}`);
      }
      onState({ state: 'live' });
      for await (const { event, data } of serverSentEvents(response.body)) {
        if (event === 'complete') return;
        if (event !== 'next') continue;
        const result = JSON.parse(data);
        const error = result.errors?.[0];
        if (error) {
          if (FINAL.has(error.extensions?.code)) throw new Stop(error.message);
          throw new Error(error.message);
        }
        if (result.data?.alerts) onAlert(result.data.alerts);
      }
    } finally {
      close();
    }
  };

  (async () => {
    let pause = FIRST_PAUSE_MS;
    while (!signal.aborted) {
      const opened = Date.now();
      let why = 'the stream ended';
      try {
        await connect();
      } catch (e) {
        // Aborted: the page stopped following (unmounted, purpose changed) or the person signed out.
        if (signal.aborted || e.name === 'AbortError') return;
        if (e instanceof Stop) {
          onState({ state: 'stopped', message: e.message });
          return;
        }
        why = e.message;
      }
      if (signal.aborted) return;
      if (Date.now() - opened >= STEADY_MS) pause = FIRST_PAUSE_MS;
      const wait = Math.round(pause * (0.5 + Math.random() / 2));
      onState({ state: 'waiting', message: why, seconds: Math.ceil(wait / 1000) });
      await sleep(wait, signal);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  })();

  return () => controller.abort();
}
