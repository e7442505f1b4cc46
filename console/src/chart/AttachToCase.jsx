import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scopeVariables } from '../scope.js';
import CasesToAttach from '../operations/CasesToAttach.graphql';
import AttachIncident from '../../../contract/operations/AttachIncident.graphql';

/**
 * "Attach to case" for an incident the caller sees in full: combobox "Case" lists the open cases
 * the caller may see; attaching is the contract's AttachIncident (the case's own purpose and
 * justification go into the log, as the contract says when the input gives none).
 */
export function AttachToCase({ incident }) {
  const [cases, setCases] = useState(null);
  const [caseId, setCaseId] = useState('');
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    graphql(CasesToAttach, { first: 100, ...scopeVariables() }).then(
      (data) => {
        const open = data.access.cases.edges.map((e) => e.node).filter((c) => c.status === 'OPEN');
        setCases(open);
        setCaseId(open[0]?.id ?? '');
      },
      (e) => setMessage({ error: true, text: `The cases could not be read: ${e.message}` }),
    );
  }, []);

  useEffect(() => setMessage(null), [incident.id]);

  const attach = async (event) => {
    event.preventDefault();
    const chosen = cases.find((c) => c.id === caseId);
    setBusy(true);
    setMessage(null);
    try {
      const { attachIncidentToCase: answer } = await graphql(AttachIncident, { caseId, incidentId: incident.id, expectedVersion: chosen.version });
      if (answer.errors.length) {
        setMessage({ error: true, text: answer.errors.map((e) => e.message).join(' ') });
      } else {
        setCases(cases.map((c) => (c.id === caseId ? { ...c, version: answer.case.version } : c)));
        setMessage({ error: false, text: `${incident.label} is attached to case ${chosen.reference}.` });
      }
    } catch (e) {
      setMessage({ error: true, text: e.message });
    } finally {
      setBusy(false);
    }
  };

  if (cases?.length === 0) {
    return <p class="attach">You have no open case to attach {incident.label} to; open one on the cases page.</p>;
  }
  return (
    <form class="attach" onSubmit={attach}>
      <label for="attach-case">Case</label>
      <select id="attach-case" value={caseId} onChange={(e) => setCaseId(e.currentTarget.value)} disabled={!cases}>
        {(cases ?? []).map((c) => <option key={c.id} value={c.id}>{c.reference}: {c.title}</option>)}
      </select>
      <button type="submit" disabled={!cases || !caseId || busy}>Attach to case</button>
      {message && <p class={message.error ? 'error' : 'done'} role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </form>
  );
}
