import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scope, scopeVariables } from '../scope.js';
import Watches from '../operations/Watches.graphql';
import Watch from '../../../contract/operations/Watch.graphql';
import Unwatch from '../../../contract/operations/Unwatch.graphql';
import { nodeName, refOf } from './nodes.js';
import { showInstant } from '../pages/instant.js';
import { noteWatch } from '../alerts/watched.js';

/** What the contract lets a person watch: not an incident, and nothing withheld. */
export const watchable = (node) => !node.withheld && ['PHONE_NUMBER', 'VEHICLE', 'COURIER', 'SUSPECT'].includes(node.kind);

/**
 * "Watch" (then "Unwatch") for the entity a page is about: whether it is watched is read from the
 * caller's live watches, so the button is right after a reload too. A watch is placed under the
 * work's purpose and justification.
 */
export function WatchButton({ node }) {
  // undefined while reading; null when not watched; else the watch.
  const [watch, setWatch] = useState(undefined);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const name = nodeName(node);

  useEffect(() => {
    graphql(Watches, scopeVariables()).then(
      (data) => setWatch(data.access.watches.find((w) => w.entity.id === node.id) ?? null),
      (e) => setMessage({ error: true, text: `Whether you watch ${name} could not be read: ${e.message}` }),
    );
  }, []);

  const place = async () => {
    const { purpose, justification } = scope.get();
    const { watch: answer } = await graphql(Watch, { input: { entity: refOf(node), purpose, justification } });
    if (answer.errors.length) return setMessage({ error: true, text: answer.errors.map((e) => e.message).join(' ') });
    setWatch(answer.watch);
    noteWatch(answer.watch);
    setMessage({ error: false, text: `You watch ${name} until ${showInstant(answer.watch.expiresAt)}: what touches it appears in Alerts.` });
  };

  const end = async () => {
    const { unwatch: answer } = await graphql(Unwatch, { id: watch.id });
    if (answer.errors.length) return setMessage({ error: true, text: answer.errors.map((e) => e.message).join(' ') });
    setWatch(null);
    setMessage({ error: false, text: `You no longer watch ${name}.` });
  };

  const toggle = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await (watch ? end() : place());
    } catch (e) {
      setMessage({ error: true, text: e.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="watch">
      <button type="button" onClick={toggle} disabled={watch === undefined || busy}>{watch ? 'Unwatch' : 'Watch'}</button>
      {message && <p class={message.error ? 'error' : 'done'} role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </div>
  );
}
