import { useEffect, useState } from 'react';
import { State, errorText, time } from './components.jsx';

export default function Transaction({ api, hash }) {
  const [tx, setTx] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    setTx(null);
    setError(null);
    api.get(`/ledger/tx/${hash}`).then((t) => live && setTx(t), (e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, hash]);
  return (
    <section>
      <h2>Transaction</h2>
      <p className="hash">{hash}</p>
      {error && <State kind="error">{errorText(error)}</State>}
      {!tx && !error && <State kind="loading">Reading the receipt from the chain…</State>}
      {tx && (
        <dl className="tx-view" data-tx-view={hash}>
          <dt>status</dt>
          <dd data-tx-status={tx.status}>{tx.status}</dd>
          <dt>block</dt>
          <dd>
            {tx.block_number} ({time(tx.block_time)})
          </dd>
          <dt>from (writer)</dt>
          <dd className="hash">{tx.from}</dd>
          <dt>to (contract)</dt>
          <dd className="hash">
            {tx.to} {tx.contract ? `(${tx.contract})` : ''}
          </dd>
          <dt>gas used</dt>
          <dd>{tx.gas_used}</dd>
          <dt>events</dt>
          <dd>{tx.events.map((e, i) => <div key={i}>{e}</div>)}</dd>
        </dl>
      )}
    </section>
  );
}
