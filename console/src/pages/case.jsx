import { useEffect, useRef, useState } from 'preact/hooks';
import CaseTimeline from '../../../contract/operations/CaseTimeline.graphql';
import { graphql } from '../api.js';
import { href } from '../router.js';
import { scopeVariables } from '../scope.js';
import { NoteForm } from './case-note.jsx';
import { TimelineRegion } from './case-timeline.jsx';
import { forceNames, words } from './words.js';

const PAGE = 50;

/**
 * One case: its facts, its timeline (now, or as the service knew it at an earlier moment),
 * its notes and attached incidents. The case and the timeline come in one logged read.
 */
export function CasePage({ id }) {
  // asOf: the moment applied (RFC 3339) or null for now; reloads bumps on every apply or note.
  const [asOf, setAsOf] = useState(null);
  const [reloads, setReloads] = useState(0);
  const [view, setView] = useState({ loading: true, entries: [] });
  // Only the newest request may fill the page: an earlier "As of" answering late must not.
  const latest = useRef(0);

  const load = async (after) => {
    const ticket = ++latest.current;
    setView((v) => ({ ...v, loading: true, error: null }));
    try {
      const found = (await graphql(CaseTimeline, { id, asOf, first: PAGE, after, ...scopeVariables() })).access.case;
      if (ticket !== latest.current) return;
      const nodes = found?.timeline.edges.map((e) => e.node) ?? [];
      setView((v) => ({
        loading: false,
        found,
        shownAsOf: asOf,
        entries: after ? v.entries.concat(nodes) : nodes,
        pageInfo: found?.timeline.pageInfo,
      }));
    } catch (e) {
      if (ticket === latest.current) setView((v) => ({ ...v, loading: false, error: e.message }));
    }
  };
  useEffect(() => { load(null); }, [id, asOf, reloads]);

  const apply = (moment) => {
    setAsOf(moment);
    setReloads((n) => n + 1);
  };

  const { found } = view;
  if (view.loading && found === undefined) return <p class="loading">Reading the case…</p>;
  if (found === undefined) return <p class="error" role="alert">The case could not be read: {view.error}</p>;
  if (found === null) {
    return (
      <>
        <h1>No such case</h1>
        <p>No case with this id is open to you. <a href={href('cases')}>Your cases</a></p>
      </>
    );
  }

  return (
    <div class="case">
      <h1>{found.reference}: {found.title}</h1>
      <dl class="case-facts">
        <dt>Status</dt><dd>{words(found.status)}</dd>
        <dt>Lead force</dt><dd>{words(found.leadForce)}</dd>
        <dt>Forces</dt><dd>{forceNames(found.forces)}</dd>
      </dl>
      <TimelineRegion view={view} asOf={asOf} onAsOf={apply} onMore={() => load(view.pageInfo.endCursor)} />
      <NoteForm caseId={found.id} asOf={view.shownAsOf} onAdded={() => setReloads((n) => n + 1)} />
      <section aria-labelledby="case-incidents">
        <h2 id="case-incidents">Attached incidents</h2>
        {found.incidents.length === 0 ? (
          <p>None yet. Attach one from an incident in a link chart (“Attach to case”).</p>
        ) : (
          <ul class="case-incidents">
            {found.incidents.map((i) => (
              <li key={i.id}><a href={href('entity', 'INCIDENT', i.id)}>{i.forceReference}</a> ({words(i.force)})</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
