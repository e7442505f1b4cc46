import { purposeLabel } from '../scope.js';
import { showInstant } from './instant.js';
import { words } from './words.js';

// A read can name hundreds of records; past a few, the list folds so that rows stay readable.
const FOLD = 3;

/**
 * The entries as a table whose column headers are the contract's, newest first, and a last column with each entry's
 * inclusion proof to download (`onProof(sequence)`).
 */
export function AccessLogTable({ entries, page, onProof }) {
  if (entries.length === 0) return null;
  return (
    <div class="table-scroll">
      <table class="log-table">
        <caption>Access log entries, newest first: page {page}</caption>
        <thead>
          <tr>
            <th scope="col">Sequence</th>
            <th scope="col">At</th>
            <th scope="col">Subject</th>
            <th scope="col">Kind</th>
            <th scope="col">Purpose</th>
            <th scope="col">Justification</th>
            <th scope="col">Records</th>
            <th scope="col">Proof</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.sequence}>
              <th scope="row" class="num">{e.sequence}</th>
              <td><time dateTime={e.at}>{showInstant(e.at)}</time></td>
              <td>{e.subject}{e.force && <span class="aside">{words(e.force)}</span>}</td>
              <td>{words(e.kind)}{e.operation && <span class="aside">{e.operation}</span>}</td>
              <td>{e.purpose ? purposeLabel(e.purpose) : '—'}</td>
              <td class="justification">{e.justification ?? '—'}</td>
              <td><Records records={e.records} /></td>
              <td>
                {/* The visible words begin the name, as speech-input users say what they see. */}
                <button type="button" aria-label={`Download proof of entry ${e.sequence}`}
                  title="Its inclusion proof in the latest signed checkpoint, as a C2SP tlog-proof file"
                  onClick={() => onProof(e.sequence)}>Download proof</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Records({ records }) {
  if (records.length === 0) return '—';
  const list = (
    <ul class="records">
      {records.map((r, i) => (
        <li key={i}>{r.type} <code>{r.id}</code>{r.force && ` (${words(r.force)})`}</li>
      ))}
    </ul>
  );
  if (records.length <= FOLD) return list;
  return (
    <details>
      <summary>{records.length} records</summary>
      {list}
    </details>
  );
}
