// An entry's inclusion proof as a C2SP tlog-proof file (c2sp.org/tlog-proof): the proof is for the latest signed
// checkpoint, whose note (with its witnesses' cosignatures) the file carries, so that it can be checked offline
// against the log's and the witnesses' public keys without asking the service again.
import AccessLogCheckpoint from '../../../contract/operations/AccessLogCheckpoint.graphql';
import AccessLogInclusionProof from '../../../contract/operations/AccessLogInclusionProof.graphql';
import { graphql } from '../api.js';
import { download } from '../download.js';

/** The file's text: header, 0-based leaf index, the audit path leaf-side first, a blank line, the checkpoint note verbatim. */
export const tlogProof = (proof, note) =>
  ['c2sp.org/tlog-proof@v1', `index ${proof.sequence - 1}`, ...proof.path, '', note].join('\n');

/** Downloads entry `sequence`'s proof; returns what to tell the person. */
export async function downloadProof(sequence) {
  const checkpoint = (await graphql(AccessLogCheckpoint)).accessLogCheckpoint;
  if (!checkpoint) return 'The log has signed no checkpoint yet: there is nothing to prove entries against.';
  if (sequence > checkpoint.treeSize) {
    return `Entry ${sequence} is newer than the latest checkpoint (${checkpoint.treeSize} entries): its proof can be downloaded once a checkpoint covers it, within seconds.`;
  }
  const proof = (await graphql(AccessLogInclusionProof, { sequence, treeSize: checkpoint.treeSize })).accessLogInclusionProof;
  download(new Blob([tlogProof(proof, checkpoint.note)], { type: 'text/plain;charset=utf-8' }), `access-log-entry-${sequence}.tlog-proof`);
  return `The inclusion proof of entry ${sequence} in the checkpoint of ${checkpoint.treeSize} entries was downloaded.`;
}
