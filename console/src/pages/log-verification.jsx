import { useState } from 'preact/hooks';
import VerifyAccessLog from '../../../contract/operations/VerifyAccessLog.graphql';
import { graphql } from '../api.js';
import { count } from './words.js';

/** "Verify": the service recomputes the whole hash chain; the result is the status "Verification". */
export function LogVerification() {
  const [state, setState] = useState({});

  const verify = async () => {
    setState({ busy: true });
    try {
      setState({ result: (await graphql(VerifyAccessLog)).verifyAccessLog });
    } catch (e) {
      setState({ error: e.message });
    }
  };

  const { busy, result, error } = state;
  return (
    <section class="verify" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Is the log intact?</h2>
      <button type="button" onClick={verify} disabled={busy}>Verify</button>
      <p role="status" aria-label="Verification" class={result && !result.valid ? 'error' : undefined}>
        {busy ? 'Verifying the whole chain…'
          : error ? `The log could not be verified: ${error}`
          : result ? `${result.valid ? 'Valid' : `Invalid at sequence ${result.firstInvalidSequence}`}: ${count(result.entriesChecked, 'entry', 'entries')} checked.`
          : 'Not verified yet.'}
        {/* Issue 19 (signed checkpoints): the latest checkpoint's size and its witnesses are
            said here, after the chain's result, once the log signs checkpoints. */}
      </p>
    </section>
  );
}
