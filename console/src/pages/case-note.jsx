import { useState } from 'preact/hooks';
import AddCaseNote from '../../../contract/operations/AddCaseNote.graphql';
import { graphql } from '../api.js';

/** "Note" and "Add note": the note joins the case's timeline, which then reloads. */
export function NoteForm({ caseId, asOf, onAdded }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState([]);
  const [done, setDone] = useState('');

  const submit = async (event) => {
    event.preventDefault();
    setDone('');
    if (!text.trim()) {
      setErrors(['Write the note first.']);
      return;
    }
    setBusy(true);
    setErrors([]);
    try {
      const payload = (await graphql(AddCaseNote, { caseId, text })).addCaseNote;
      if (payload.errors.length) {
        setErrors(payload.errors.map((e) => e.message));
      } else {
        setText('');
        // A timeline as of an earlier moment leaves out what was recorded since, this note included.
        setDone(asOf ? `Note added. The timeline shows the case as of ${asOf}, so the note is not in it: empty "As of" to see it.` : 'Note added.');
        onAdded();
      }
    } catch (e) {
      setErrors([e.message]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="case-note-heading" class="case-note">
      <h2 id="case-note-heading">Add a note</h2>
      <form onSubmit={submit}>
        <label for="case-note">Note</label>
        <textarea id="case-note" name="text" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={errors.length ? 'true' : undefined} aria-describedby={errors.length ? 'case-note-problem' : undefined} />
        <button type="submit" disabled={busy}>Add note</button>
      </form>
      {errors.length > 0 && (
        <div id="case-note-problem" class="error" role="alert">
          <p>The note was not added:</p>
          <ul>{errors.map((m, i) => <li key={i}>{m}</li>)}</ul>
        </div>
      )}
      <p role="status">{done}</p>
    </section>
  );
}
