// Region "Alerts"'s state: the newest page of `alerts`, then the live ones, newest first, each
// once (by id, since a reconnect replays from the newest one shown and the first page and the
// stream may overlap).
import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scopeVariables } from '../scope.js';
import Alerts from '../../../contract/operations/Alerts.graphql';
import AlertStream from '../../../contract/operations/AlertStream.graphql';
import { followAlerts } from './alert-stream.js';
import { watched } from './watched.js';

const FIRST = 20;
// Enough to scroll back through a busy day; older ones stay in `alerts`, counted in totalCount.
const MOST_SHOWN = 200;

/** { alerts, total, failure, connection } for the current access scope, followed until unmounted. */
export function useAlerts() {
  const [alerts, setAlerts] = useState([]);
  const [total, setTotal] = useState(null);
  const [failure, setFailure] = useState(null);
  const [connection, setConnection] = useState({ state: 'starting' });
  const seen = useRef(new Set());
  const newest = useRef(null);

  // Mounted afresh for each purpose and justification (main.jsx keys it), so this runs once per scope.
  useEffect(() => {
    let gone = false;
    let stop = null;
    const live = (alert) => {
      if (seen.current.has(alert.id)) return;
      seen.current.add(alert.id);
      newest.current = alert.id;
      setAlerts((shown) => [alert, ...shown].slice(0, MOST_SHOWN));
      setTotal((n) => (n == null ? n : n + 1));
    };
    // The page first, then the stream from its newest alert: the stream replays whatever was
    // raised since, so nothing falls between the two. With no alert yet, the stream starts from
    // when it is subscribed (after: null).
    graphql(Alerts, { first: FIRST, ...scopeVariables() }).then(
      ({ access }) => {
        if (gone) return;
        const page = access.alerts.edges.map((e) => e.node);
        for (const alert of page) seen.current.add(alert.id);
        newest.current = page[0]?.id ?? null;
        setAlerts(page);
        setTotal(access.alerts.totalCount);
        watched.set(new Map(access.watches.map((w) => [w.id, w])));
      },
      (e) => !gone && setFailure(e.message),
    ).finally(() => {
      if (!gone) stop = followAlerts(AlertStream, () => ({ ...scopeVariables(), after: newest.current }), { onAlert: live, onState: setConnection });
    });
    return () => {
      gone = true;
      stop?.();
      watched.set(new Map());
    };
  }, []);

  return { alerts, total, failure, connection };
}
