import { useEffect, useState } from 'react';
import { leafHash, toHex, verifyProof } from './merkle.js';
import { State, TxLink, errorText } from './components.jsx';

export default function Proofs({ api, device, sequence }) {
  const [form, setForm] = useState({ device: device || '', sequence: sequence || '' });
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function check(d, s) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const proof = await api.get(`/logs/${encodeURIComponent(d)}/${encodeURIComponent(s)}/proof`);
      setResult({ proof, check: await verifyProof(proof), leaf: toHex(await leafHash(proof.leaf_input)) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (device && sequence) {
      setForm({ device, sequence });
      check(device, sequence);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [device, sequence]);

  return (
    <section>
      <h2>Proofs</h2>
      <p className="muted">
        The browser fetches a log's RFC 6962 audit path, recomputes the batch root with WebCrypto SHA-256 and compares
        it with the root the server read from the chain, then follows the batch's path to the anchor root that the
        contract holds for its transaction.
      </p>
      <form
        className="proof-form"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = `#/proofs/${encodeURIComponent(form.device)}/${encodeURIComponent(form.sequence)}`;
        }}
      >
        <label>
          Device
          <input name="device" value={form.device} onChange={(e) => setForm({ ...form, device: e.target.value })} />
        </label>
        <label>
          Sequence
          <input name="sequence" value={form.sequence} onChange={(e) => setForm({ ...form, sequence: e.target.value })} />
        </label>
        <button type="submit" disabled={busy || !form.device || !form.sequence}>
          Verify
        </button>
      </form>
      {busy && <State kind="loading">Fetching the proof and hashing…</State>}
      {error && <State kind="error">{errorText(error)}</State>}
      {!busy && !error && !result && <State kind="empty">Pick a log (the “verify” links on Live) or enter one.</State>}
      {result && (
        <div className={`verdict verdict-${result.check.status}`} data-verdict={result.check.status}>
          <strong>
            {result.check.verified
              ? 'Verified: the log is in the batch whose root is anchored on-chain.'
              : result.check.status === 'not_anchored'
                ? 'Not anchored yet: the chain holds no root for this batch.'
                : 'NOT verified: the recomputed root differs from the on-chain root.'}
          </strong>
          <dl>
            <dt>leaf</dt>
            <dd>
              {result.proof.leaf_index} of {result.proof.tree_size} ({result.proof.audit_path.length} path hashes)
            </dd>
            <dt>root computed here</dt>
            <dd className="hash" data-computed>{result.check.computed ?? '—'}</dd>
            <dt>root on-chain</dt>
            <dd className="hash" data-onchain>{result.check.onchain ?? '—'}</dd>
            <dt>batch</dt>
            <dd>{result.proof.batch_id}</dd>
            <dt>leaf hash</dt>
            <dd className="hash" data-leaf-hash>{result.leaf}</dd>
            <dt>audit path</dt>
            <dd>
              {result.proof.audit_path.length === 0 ? 'none (the batch holds one log)' : (
                <ol className="audit-path" data-audit-path>
                  {result.proof.audit_path.map((h, i) => <li key={i} className="hash">{h}</li>)}
                </ol>
              )}
            </dd>
            <dt>the log (leaf input, JCS)</dt>
            <dd><pre className="leaf-input" data-leaf-input>{JSON.stringify(JSON.parse(result.proof.leaf_input), null, 2)}</pre></dd>
            <dt>anchor</dt>
            <dd>
              <TxLink hash={result.proof.tx_hash} />
            </dd>
            {result.check.anchorRoot && (
              <>
                <dt>anchor root computed here</dt>
                <dd className="hash" data-anchor-computed>
                  {result.check.anchorComputed ?? '—'} (batch {result.proof.anchor_index + 1} of {result.proof.anchor_size} in
                  the transaction)
                </dd>
                <dt>anchor root in the contract</dt>
                <dd className="hash" data-anchor-root>
                  {result.check.anchorRoot}
                  {result.check.anchorComputed === result.check.anchorRoot ? ' ✓ matches' : ' ✗ differs'}
                </dd>
              </>
            )}
          </dl>
        </div>
      )}
    </section>
  );
}
