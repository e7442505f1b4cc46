import { useEffect, useRef, useState } from 'preact/hooks';
import AccessLog from '../../../contract/operations/AccessLog.graphql';
import { graphql } from '../api.js';
import { AccessLogFilters } from './access-log-filters.jsx';
import { AccessLogTable } from './access-log-table.jsx';
import { downloadProof } from './entry-proof.js';
import { LogVerification } from './log-verification.jsx';
import { count } from './words.js';

const PAGE = 50;

/**
 * The auditors' page. Auditors work outside any access scope (accessLog and verifyAccessLog
 * are theirs), and see exactly what the API shows them: a force auditor only the entries
 * made by, or about records of, their force; the service decides, not this page.
 */
export function AccessLogPage() {
  const [filter, setFilter] = useState({});
  // The cursors of the pages walked to so far; the last is the page shown (null: the newest).
  const [cursors, setCursors] = useState([null]);
  const [view, setView] = useState({ loading: true, entries: [] });
  const latest = useRef(0);
  const [proof, setProof] = useState('');

  useEffect(() => {
    const ticket = ++latest.current;
    setView((v) => ({ ...v, loading: true, error: null }));
    graphql(AccessLog, { filter, first: PAGE, after: cursors[cursors.length - 1] }).then(
      (data) => ticket === latest.current && setView({
        loading: false,
        entries: data.accessLog.edges.map((e) => e.node),
        pageInfo: data.accessLog.pageInfo,
      }),
      (e) => ticket === latest.current && setView((v) => ({ ...v, loading: false, error: e.message })),
    );
  }, [filter, cursors]);

  const applyFilter = (next) => {
    setFilter(next);
    setCursors([null]);
  };
  const page = cursors.length;
  const proveEntry = async (sequence) => {
    setProof(`Fetching the inclusion proof of entry ${sequence}…`);
    try {
      setProof(await downloadProof(sequence));
    } catch (e) {
      setProof(`The proof of entry ${sequence} could not be fetched: ${e.message}`);
    }
  };

  return (
    <div class="access-log">
      <h1>Access log</h1>
      <p>Every read and write of intelligence, newest first: who, when, why, and which records. Reading this log is logged too.</p>
      <LogVerification />
      <AccessLogFilters onApply={applyFilter} />
      {view.error && <p class="error" role="alert">The log could not be read: {view.error}</p>}
      <p role="status" class="log-page">
        {view.loading ? 'Reading the log…'
          : view.entries.length === 0 ? (page === 1 ? 'No entry matches.' : 'No more entries.')
          : `Page ${page}: ${count(view.entries.length, 'entry', 'entries')}${view.pageInfo?.hasNextPage ? ', more follow' : ''}.`}
      </p>
      <p role="status" aria-label="Inclusion proof" class="log-page">{proof}</p>
      <AccessLogTable entries={view.entries} page={page} onProof={proveEntry} />
      <nav class="pager" aria-label="Access log pages">
        <button type="button" disabled={page === 1 || view.loading} onClick={() => setCursors([null])}>First page</button>
        <button type="button" disabled={page === 1 || view.loading} onClick={() => setCursors((c) => c.slice(0, -1))}>Previous page</button>
        <button type="button" disabled={!view.pageInfo?.hasNextPage || view.loading}
          onClick={() => setCursors((c) => [...c, view.pageInfo.endCursor])}>Next page</button>
      </nav>
    </div>
  );
}
