// One batch: its metadata, its anchor, and the server's recomputation of its root against the chain.
import { useEffect, useState } from 'react';
import { Paged } from './Paged.jsx';
import { State, TxLink, errorText, time } from './components.jsx';

export default function Batch({ api, id }) {
  const [verify, setVerify] = useState(null);
  const [batch, setBatch] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    Promise.all([api.get(`/batches/${encodeURIComponent(id)}`), api.get(`/batches/${encodeURIComponent(id)}/verify`)]).then(
      ([b, v]) => live && (setBatch(b), setVerify(v)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  return (
    <section data-view="batch">
      <h2>Batch</h2>
      <p className="hash">{id}</p>
      {error && <State kind="error">{errorText(error)}</State>}
      {!batch && !error && <State kind="loading">Loading the batch and checking its root…</State>}
      {batch && verify && (
        <div className={`verdict verdict-${verify.status}`} data-batch-verdict={verify.status}>
          <strong>
            {verify.verified ? 'Verified: the stored logs hash to the root anchored on-chain.'
              : verify.status === 'not_anchored' ? 'Not anchored yet.' : `Not verified (${verify.status}).`}
          </strong>
          <dl>
            <dt>gateway</dt><dd>{batch.gateway_id}</dd>
            <dt>created / received</dt><dd>{time(batch.created_at)} / {time(batch.received_at)}</dd>
            <dt>logs</dt><dd>{batch.log_count}</dd>
            <dt>stored root</dt><dd className="hash">{verify.batch_hash}</dd>
            <dt>recomputed root</dt><dd className="hash">{verify.recomputed_hash}</dd>
            <dt>on-chain root</dt><dd className="hash">{verify.onchain_hash ?? '—'}</dd>
            <dt>anchor</dt><dd><TxLink hash={verify.tx_hash} /> {verify.block_number ? `block ${verify.block_number}` : ''}</dd>
          </dl>
        </div>
      )}
    </section>
  );
}

/** The newest batches with their anchors. */
export function Batches({ api, refreshKey }) {
  return (
    <section data-view="batches">
      <h2>Batches</h2>
      <Paged api={api} path="/batches" pageSize={25} label="batches" refreshKey={refreshKey} rowKey={(b) => b.batch_id}
        columns={[
          ['received', (b) => time(b.received_at)],
          ['batch', (b) => <a href={`#/batches/${b.batch_id}`}>{b.batch_id.slice(0, 8)}…</a>],
          ['gateway', (b) => b.gateway_id],
          ['logs', (b) => b.log_count],
          ['anchor', (b) => <TxLink hash={b.tx_hash} />],
        ]} />
    </section>
  );
}
