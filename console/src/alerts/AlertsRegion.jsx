import { useAlerts } from './use-alerts.js';
import { AlertItem } from './AlertItem.jsx';
import { count } from '../pages/words.js';
import { useSignal } from '../signal.js';
import { watched } from './watched.js';

const CONNECTION = {
  starting: () => 'Connecting…',
  live: () => 'Live: new alerts appear here as they are raised.',
  waiting: ({ message, seconds }) => `Not live (${message}); trying again in ${seconds} s.`,
  stopped: ({ message }) => `Not live: ${message}`,
};

/**
 * Region "Alerts", beside every investigator page (main.jsx): what the caller's watches, matches
 * and cases raised, newest first, and new ones as they happen, said politely by a screen reader.
 */
export function AlertsRegion() {
  const { alerts, total, failure, connection } = useAlerts();
  const watches = useSignal(watched);
  return (
    <section class="alerts" aria-label="Alerts" aria-live="polite" aria-relevant="additions">
      <h2>Alerts</h2>
      <p class="hint">{CONNECTION[connection.state](connection)}</p>
      {failure && <p class="error" role="alert">The alerts could not be read: {failure}</p>}
      {total === 0 && alerts.length === 0 && <p>No alerts yet. Watch a number, vehicle, courier or suspect from its page to hear of new records about it.</p>}
      {total > alerts.length && <p class="hint">The newest {alerts.length} of {count(total, 'alert', 'alerts')}.</p>}
      <ol class="alert-list">
        {alerts.map((a) => <AlertItem key={a.id} alert={a} watch={a.watch && watches.get(a.watch.id)} />)}
      </ol>
    </section>
  );
}
