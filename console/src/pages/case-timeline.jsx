import { useState } from 'preact/hooks';
import { href } from '../router.js';
import { readInstant, showInstant } from './instant.js';
import { words } from './words.js';

/**
 * The region "Timeline": the "As of" box, a visible line saying which moment the timeline
 * answers for, the entries (when it happened, and when the service learnt it) and "More entries".
 */
export function TimelineRegion({ view, asOf, onAsOf, onMore }) {
  const { entries, pageInfo, shownAsOf, loading, error } = view;
  return (
    <section aria-label="Timeline" class="timeline">
      <h2>Timeline</h2>
      <AsOfForm asOf={asOf} onAsOf={onAsOf} />
      <p role="status" class="as-of-shown">
        {loading ? 'Reading the timeline…'
          : shownAsOf ? <>As the service knew it at <time dateTime={shownAsOf}>{shownAsOf}</time>: only what was recorded by then.</>
          : 'As the service knows it now.'}
      </p>
      {error && <p class="error" role="alert">The timeline could not be read: {error}</p>}
      {entries.length === 0 && !loading && !error ? (
        <p>{shownAsOf ? 'Nothing on this case had been recorded by then.' : 'Nothing on this case yet.'}</p>
      ) : entries.length > 0 && (
        <table>
          <caption>{entries.length} {entries.length === 1 ? 'entry' : 'entries'}, earliest first{pageInfo?.hasNextPage ? '; more follow' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Recorded</th>
              <th scope="col">What</th>
              <th scope="col">Force</th>
              <th scope="col">Summary</th>
              <th scope="col">Incident</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i}>
                <td><time dateTime={e.at}>{showInstant(e.at)}</time></td>
                <td><time dateTime={e.recordedAt}>{showInstant(e.recordedAt)}</time></td>
                <td>{words(e.kind)}</td>
                <td>{words(e.force)}</td>
                <td class="summary">{e.summary}</td>
                <td>{e.incident && <a href={href('entity', 'INCIDENT', e.incident.id)}>{e.incident.forceReference}</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pageInfo?.hasNextPage && <button type="button" disabled={loading} onClick={onMore}>More entries</button>}
    </section>
  );
}

/** "As of", applied with Enter (or "Apply"); a moment that is not RFC 3339 is told here, and nothing is asked. */
function AsOfForm({ asOf, onAsOf }) {
  const [problem, setProblem] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const read = readInstant(new FormData(event.currentTarget).get('asOf'), { name: 'As of' });
    setProblem(read.error ?? null);
    if (!read.error) onAsOf(read.value);
  };
  return (
    <form class="as-of" onSubmit={submit}>
      <label for="as-of">As of</label>
      <input id="as-of" name="asOf" autocomplete="off" spellcheck={false} defaultValue={asOf ?? ''}
        placeholder="2024-03-01T00:00:00Z" aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? 'as-of-hint as-of-problem' : 'as-of-hint'} />
      <button type="submit">Apply</button>
      <p id="as-of-hint" class="hint">A moment in RFC 3339, such as 2024-03-01T00:00:00Z; empty for now. Press Enter to apply.</p>
      {problem && <p id="as-of-problem" class="error" role="alert">{problem}</p>}
    </form>
  );
}
