import { useEffect, useState } from 'react';
import { State, errorText, time } from './components.jsx';

function Device({ args }) {
  return args.device_id
    ? <a href={`#/devices/${encodeURIComponent(args.device_id)}`}>{args.device_id}</a>
    : <span className="hash" title="keccak256 of a device id this server does not know">{args.device_hash.slice(0, 16)}…</span>;
}

/** One decoded event in words, with links to what Vigil stored about it. */
export function describe(e) {
  const a = e.args;
  switch (e.event) {
    case 'BatchAnchored':
      return (
        <>
          batch <a href={`#/batches/${a.batch_id}`} data-batch={a.batch_id}>{a.batch_id}</a> of {a.log_count} logs, root{' '}
          <span className="hash">{a.batch_hash.slice(0, 16)}…</span>, highest anomaly score {(a.max_anomaly_score / 100).toFixed(0)} %
        </>
      );
    case 'AnchorRoot':
      return (
        <>
          anchor root <span className="hash">{a.root.slice(0, 16)}…</span> over the {a.batch_count} batch
          {a.batch_count === 1 ? '' : 'es'} above, held by the contract
        </>
      );
    case 'Incident':
      return <>{a.kind_name || `kind ${a.kind}`} on <Device args={a} />, score {(a.anomaly_score / 100).toFixed(0)} %, at {time(a.timestamp)}</>;
    case 'IncidentCounted':
      return <>{a.kind_name || `kind ${a.kind}`} on <Device args={a} /> now counts {a.count} events</>;
    case 'TrustChanged':
      return <>trust of <Device args={a} /> {a.previous} → {a.current} ({a.delta > 0 ? '+' : ''}{a.delta})</>;
    default:
      return JSON.stringify(a);
  }
}

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
          {tx.alerts && tx.alerts.length > 0 && (
            <>
              <dt>alerts recorded</dt>
              <dd>{tx.alerts.map((id) => <a key={id} href={`#/alerts/${id}`} className="tx-alert">{id} </a>)}</dd>
            </>
          )}
        </dl>
      )}
      {tx && tx.decoded && tx.decoded.length > 0 && (
        <>
          <h3>Decoded events</h3>
          <div className="table-scroll">
            <table aria-label="Decoded events" data-decoded-events={tx.decoded.length}>
              <thead>
                <tr><th scope="col">event</th><th scope="col">what it says</th></tr>
              </thead>
              <tbody>
                {tx.decoded.map((e, i) => <tr key={i} data-event={e.event}><td>{e.event}</td><td>{describe(e)}</td></tr>)}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
