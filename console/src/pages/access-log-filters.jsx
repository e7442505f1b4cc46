import { useState } from 'preact/hooks';
import { readInstant } from './instant.js';
import { FORCES, words } from './words.js';

const KINDS = ['CONSULTATION', 'DISCLOSURE', 'COLLECTION', 'ALTERATION', 'COMBINATION', 'ERASURE', 'REFUSED'];

/**
 * The contract's AccessLogFilter as a form: every filter given must hold. Enter in any box
 * applies them all ("Record id" the one auditors use most: who else looked at this record?).
 * From and To are checked before anything is asked.
 */
export function AccessLogFilters({ onApply }) {
  const [problems, setProblems] = useState([]);

  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name) => form.get(name).trim() || undefined;
    const from = readInstant(form.get('from'), { name: 'From', day: 'start' });
    const to = readInstant(form.get('to'), { name: 'To', day: 'end' });
    const found = [from.error, to.error].filter(Boolean);
    setProblems(found);
    if (found.length) return;
    onApply({
      recordId: text('recordId'),
      subject: text('subject'),
      force: text('force'),
      kind: text('kind'),
      from: from.value ?? undefined,
      to: to.value ?? undefined,
    });
  };
  const clear = (event) => {
    event.currentTarget.form.reset();
    setProblems([]);
    onApply({});
  };
  const invalid = (name) => (problems.some((p) => p.startsWith(name)) ? 'true' : undefined);

  return (
    <form class="log-filters" onSubmit={submit} aria-labelledby="log-filters-heading">
      <h2 id="log-filters-heading">Filters</h2>
      <div class="fields">
        <Field id="log-record" label="Record id"><input id="log-record" name="recordId" autocomplete="off" spellcheck={false} /></Field>
        <Field id="log-subject" label="Subject">
          <input id="log-subject" name="subject" autocomplete="off" spellcheck={false} placeholder="e.g. essex.investigator" />
        </Field>
        <Field id="log-force" label="Force">
          <select id="log-force" name="force">
            <option value="">Any force</option>
            {FORCES.map((f) => <option key={f} value={f}>{words(f)}</option>)}
          </select>
        </Field>
        <Field id="log-kind" label="Kind">
          <select id="log-kind" name="kind">
            <option value="">Any kind</option>
            {KINDS.map((k) => <option key={k} value={k}>{words(k)}</option>)}
          </select>
        </Field>
        <Field id="log-from" label="From">
          <input id="log-from" name="from" autocomplete="off" spellcheck={false} placeholder="2024-03-01T00:00:00Z"
            aria-describedby="log-time-hint" aria-invalid={invalid('From')} />
        </Field>
        <Field id="log-to" label="To">
          <input id="log-to" name="to" autocomplete="off" spellcheck={false} placeholder="2024-03-31"
            aria-describedby="log-time-hint" aria-invalid={invalid('To')} />
        </Field>
      </div>
      <p id="log-time-hint" class="hint">
        From and To include their moment: RFC 3339 (2024-03-01T09:30:00Z) or a date (2024-03-01, the whole day in UTC).
      </p>
      {problems.length > 0 && <div class="error" role="alert">{problems.map((p) => <p key={p}>{p}</p>)}</div>}
      <button type="submit">Apply filters</button>
      <button type="button" onClick={clear}>Clear filters</button>
    </form>
  );
}

const Field = ({ id, label, children }) => (
  <div class="field">
    <label for={id}>{label}</label>
    {children}
  </div>
);
