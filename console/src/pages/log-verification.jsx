import { useState } from 'preact/hooks';
import AccessLogCheckpoint from '../../../contract/operations/AccessLogCheckpoint.graphql';
import VerifyAccessLog from '../../../contract/operations/VerifyAccessLog.graphql';
import { graphql } from '../api.js';
import { count } from './words.js';

/** The latest signed checkpoint in words: how much of the log it covers, and which witnesses vouch for it. */
const checkpointWords = (checkpoint) => {
  if (!checkpoint) return 'The log has signed no checkpoint yet.';
  const witnesses = checkpoint.cosignedBy.length === 0 ? 'no witness has cosigned it yet'
    : `cosigned by ${checkpoint.cosignedBy.join(', ')}`;
  return `Latest signed checkpoint: ${count(checkpoint.treeSize, 'entry', 'entries')}, ${witnesses}.`;
};

/**
 * "Verify": the service recomputes the whole hash chain and the tree against every signed checkpoint; the result is
 * the status "Verification", with the latest checkpoint's size and the witnesses that cosigned it.
 */
export function LogVerification() {
  const [state, setState] = useState({});

  const verify = async () => {
    setState({ busy: true });
    try {
      // The checkpoint is read first: the verification, itself logged, would otherwise show a newer one that no
      // witness has had time to cosign. The verification compares the tree with this checkpoint too.
      const checkpoint = (await graphql(AccessLogCheckpoint)).accessLogCheckpoint;
      const result = (await graphql(VerifyAccessLog)).verifyAccessLog;
      setState({ result, checkpoint });
    } catch (e) {
      setState({ error: e.message });
    }
  };

  const { busy, result, checkpoint, error } = state;
  return (
    <section class="verify" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Is the log intact?</h2>
      <button type="button" onClick={verify} disabled={busy}>Verify</button>
      <p role="status" aria-label="Verification" class={result && !result.valid ? 'error' : undefined}>
        {busy ? 'Verifying the whole chain…'
          : error ? `The log could not be verified: ${error}`
          : result ? `${result.valid ? 'Valid' : `Invalid at sequence ${result.firstInvalidSequence}`}: ${count(result.entriesChecked, 'entry', 'entries')} checked. ${checkpointWords(checkpoint)}`
          : 'Not verified yet.'}
      </p>
    </section>
  );
}
