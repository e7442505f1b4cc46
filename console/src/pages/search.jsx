import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scopeVariables } from '../scope.js';
import { route, go } from '../router.js';
import { useSignal } from '../signal.js';
import Search from '../../../contract/operations/Search.graphql';
import { entityHref, forcesText, kindName, nodeName } from '../chart/nodes.js';

const MATCHED_ON = {
  E164: 'phone number',
  REGISTRATION: 'registration',
  PNC_ID: 'PNC ID',
  NAME: 'name',
  FORCE_REFERENCE: 'force reference',
  ID: 'service id',
};

// The service refuses shorter texts (contract: search); saying so before asking saves a logged read.
const SHORTEST = 3;
const TOO_SHORT = `Type at least ${SHORTEST} characters: a phone number, a registration, a PNC ID, a force reference or a name.`;

/**
 * The search page (#/ and #/search/{text}): the text lives in the address, so that Back from an
 * entity page comes back to the results.
 */
export function SearchPage() {
  const { page, args } = useSignal(route);
  const text = page === 'search' ? args[0] ?? '' : '';
  const [hits, setHits] = useState(null);
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState(text);

  useEffect(() => setDraft(text), [text]);

  useEffect(() => {
    setHits(null);
    setProblem(null);
    if (!text) return;
    if (text.trim().length < SHORTEST) {
      setProblem(TOO_SHORT);
      return;
    }
    let current = true;
    setBusy(true);
    graphql(Search, { text: text.trim(), first: 50, ...scopeVariables() })
      .then((data) => current && setHits(data.access.search), (e) => current && setProblem(`The search did not work: ${e.message}`))
      .finally(() => current && setBusy(false));
    return () => { current = false; };
  }, [text]);

  const submit = (event) => {
    event.preventDefault();
    const typed = draft.trim();
    if (typed.length < SHORTEST) {
      setHits(null);
      setProblem(TOO_SHORT);
    } else if (typed !== text) {
      go('search', typed);
    }
  };

  return (
    <>
      <h1>Search</h1>
      <search>
        <form class="search" onSubmit={submit}>
          <input type="search" name="text" aria-label="Search" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} autocomplete="off" autofocus
            aria-describedby="search-hint" placeholder="07700 900500, AB12 CDE, a name…" />
          <button type="submit">Search</button>
        </form>
      </search>
      <p id="search-hint" class="hint">A phone number in any format, a registration, a PNC ID, a force reference, an id, or the start of a name. Every search is logged with your purpose.</p>
      {problem && <p class="error" role="alert">{problem}</p>}
      <p role="status" class="search-status">{busy ? 'Searching…' : hits ? summary(hits.length, text) : ''}</p>
      {hits && hits.length > 0 && (
        <ol class="results">
          {hits.map((hit) => <Hit key={hit.node.id} hit={hit} />)}
        </ol>
      )}
    </>
  );
}

const summary = (count, text) => (count === 0 ? `Nothing found for “${text}”.` : `${count} ${count === 1 ? 'result' : 'results'} for “${text}”.`);

function Hit({ hit }) {
  const { node } = hit;
  const about = `${kindName(node.kind)}, matched on ${MATCHED_ON[hit.matchedOn] ?? hit.matchedOn}; forces: ${forcesText(node.forces)}`;
  // A withheld record is a pointer: there is nothing to open, only a force to ask.
  if (node.withheld) {
    return (
      <li class="withheld">
        <span class="name">{nodeName(node)}</span>
        <span class="about">Withheld incident, handling code {node.pointer?.handling}: ask {forcesText(node.forces)} for it. Matched on {MATCHED_ON[hit.matchedOn] ?? hit.matchedOn}.</span>
      </li>
    );
  }
  return (
    <li>
      <a href={entityHref(node)}>{node.label}</a>
      <span class="about">{about}{node.degree ? `; ${node.degree} ${node.degree === 1 ? 'link' : 'links'}` : ''}.</span>
    </li>
  );
}
