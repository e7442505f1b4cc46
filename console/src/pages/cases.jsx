import { useEffect, useState } from 'preact/hooks';
import CasesQuery from '../operations/Cases.graphql';
import { graphql } from '../api.js';
import { href } from '../router.js';
import { scopeVariables } from '../scope.js';
import { OpenCaseForm } from './open-case.jsx';
import { forceNames, words } from './words.js';

const PAGE = 50;

/** The cases the investigator may see (member, or of their force), and a form to open one. */
export function CasesPage() {
  const [cases, setCases] = useState([]);
  const [pageInfo, setPageInfo] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);

  const load = async (after) => {
    setLoading(true);
    setError(null);
    try {
      const page = (await graphql(CasesQuery, { first: PAGE, after, ...scopeVariables() })).access.cases;
      setCases((shown) => (after ? shown : []).concat(page.edges.map((e) => e.node)));
      setPageInfo(page.pageInfo);
    } catch (e) {
      setError(e.message);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => { load(null); }, []);

  return (
    <div class="cases">
      <h1>Cases</h1>
      <section aria-labelledby="cases-list">
        <h2 id="cases-list">Cases open to you</h2>
        {error && <p class="error" role="alert">The cases could not be read: {error}</p>}
        {loading && cases.length === 0 && <p class="loading">Reading your cases…</p>}
        {!loading && !error && cases.length === 0 && <p>No case is open to you yet: open one below.</p>}
        {cases.length > 0 && (
          <ul class="case-list">
            {cases.map((c) => (
              <li key={c.id}>
                <a href={href('cases', c.id)}>{c.reference}: {c.title}</a>
                <span class="case-facts">{words(c.status)} · led by {words(c.leadForce)} · {forceNames(c.forces)}</span>
              </li>
            ))}
          </ul>
        )}
        {pageInfo?.hasNextPage && (
          <button type="button" disabled={loading} onClick={() => load(pageInfo.endCursor)}>More cases</button>
        )}
      </section>
      <OpenCaseForm />
    </div>
  );
}
