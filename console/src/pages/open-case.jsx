import { useState } from 'preact/hooks';
import OpenCase from '../operations/OpenCaseWithPurpose.graphql';
import { graphql } from '../api.js';
import { go } from '../router.js';
import { scope, purposeLabel } from '../scope.js';
import { useSignal } from '../signal.js';

/** Which field a UserError is about: its path's last part ("reference", "title", ...). */
const fieldOf = (error) => error.path?.[error.path.length - 1];

/**
 * Opens a case under the purpose and justification the work started with: the case carries
 * them into the log with every later action on it, so they are shown before the button.
 */
export function OpenCaseForm() {
  const current = useSignal(scope);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setErrors([]);
    try {
      const payload = (await graphql(OpenCase, {
        reference: form.get('reference').trim(),
        title: form.get('title').trim(),
        operationName: form.get('operationName').trim() || null,
        purpose: current.purpose,
        justification: current.justification,
      })).openCase;
      if (payload.errors.length) setErrors(payload.errors);
      else go('cases', payload.case.id);
    } catch (e) {
      setErrors([{ code: e.code, message: e.message }]);
    } finally {
      setBusy(false);
    }
  };

  // A field named by an error is marked invalid and described by that error (after its hint).
  const about = (field, hint) => {
    const ids = errors.map((e, i) => (fieldOf(e) === field ? `open-case-error-${i}` : null)).filter(Boolean);
    const describedBy = [hint, ...ids].filter(Boolean).join(' ') || undefined;
    return { 'aria-invalid': ids.length ? 'true' : undefined, 'aria-describedby': describedBy };
  };

  return (
    <section aria-labelledby="open-case-heading" class="open-case">
      <h2 id="open-case-heading">Open a case</h2>
      <p>
        The case is worked for <strong>{purposeLabel(current.purpose)}</strong>: “{current.justification}”.
        Every action on it is logged with that purpose and justification.
      </p>
      {errors.length > 0 && (
        <div class="error" role="alert">
          <p>The case was not opened:</p>
          <ul>{errors.map((e, i) => <li key={i} id={`open-case-error-${i}`}>{e.message}</li>)}</ul>
        </div>
      )}
      <form onSubmit={submit}>
        <label for="case-reference">Reference</label>
        <input id="case-reference" name="reference" autocomplete="off" placeholder="e.g. ESX-CF-2024-017" {...about('reference')} />
        <label for="case-title">Title</label>
        <input id="case-title" name="title" autocomplete="off" placeholder="e.g. Courier fraud, boiler room" {...about('title')} />
        <label for="case-operation">Operation name</label>
        <input id="case-operation" name="operationName" autocomplete="off" {...about('operationName', 'case-operation-hint')} />
        <p id="case-operation-hint" class="hint">Optional, such as HOLT.</p>
        <button type="submit" disabled={busy}>Open case</button>
      </form>
    </section>
  );
}
