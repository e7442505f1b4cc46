import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scopeVariables } from '../scope.js';
import EntityMatches from '../operations/EntityMatches.graphql';
import { forcesText, kindName } from './nodes.js';

// matches has no filter: the page reads the caller's newest matches (one page, the most the
// contract allows) and keeps those whose shared entity is this one, or one this incident carries.
const NEWEST = 200;

/** "2024-03-01T10:15:00Z" → "2024-03-01 10:15 UTC", as the service's times are written. */
const when = (at) => `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;

/** Region "Matches": matches that involve the entity this page is about (`entityIds`: it, or what the incident carries). */
export function Matches({ entityIds, about }) {
  const [matches, setMatches] = useState(null);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    graphql(EntityMatches, { first: NEWEST, ...scopeVariables() }).then(
      (data) => setMatches(data.access.matches.edges.map((e) => e.node)),
      (e) => setFailure(e.message),
    );
  }, []);

  const mine = matches?.filter((m) => entityIds.has(m.entity.id)) ?? [];
  return (
    <section class="matches" aria-label="Matches">
      <h2>Matches</h2>
      <p class="hint">Matches on {about}, among your {NEWEST} newest: an entity that joins incidents of two or more forces, or a new incident to an open case.</p>
      {failure && <p class="error" role="alert">The matches could not be read: {failure}</p>}
      {!failure && !matches && <p>Reading matches…</p>}
      {matches && mine.length === 0 && <p>No match involves {about}.</p>}
      {mine.length > 0 && (
        <ul>
          {mine.map((m) => (
            <li key={m.id}>
              <strong>{m.entity.label}</strong> ({kindName(m.entity.kind).toLowerCase()}) joins {forcesText(m.forces)}, found {when(m.detectedAt)}
              {m.case && <>; on case {m.case.reference}: {m.case.title}</>}.
              {m.pointers.length > 0 && <> Records: {m.pointers.map((p) => `${p.force} ${p.forceReference} (handling ${p.handling})`).join(', ')}.</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
