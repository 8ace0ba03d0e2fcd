import { State, TxLink, time, errorText } from './components.jsx';

export default function Alerts({ alerts, error, onRetry }) {
  return (
    <section>
      <h2>Alerts</h2>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)}</State>}
      {alerts === null && !error && <State kind="loading">Loading alerts…</State>}
      {alerts !== null && alerts.length === 0 && <State kind="empty">No alerts. Security events and ML alerts appear here.</State>}
      {alerts !== null && alerts.length > 0 && (
        <table className="alerts">
          <thead>
            <tr>
              <th>time</th>
              <th>source</th>
              <th>kind</th>
              <th>device</th>
              <th>confidence</th>
              <th>detail</th>
              <th>ledger tx</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-alert={a.id} data-kind={a.kind}>
                <td>{time(a.observed_at)}</td>
                <td>{a.source}</td>
                <td className={`kind kind-${a.kind}`}>{a.kind}</td>
                <td>{a.device_id ?? <span className="muted">unreadable</span>}</td>
                <td>{a.confidence !== null && a.confidence !== undefined ? `${Math.round(a.confidence * 100)}%` : '—'}</td>
                <td className="detail">
                  {a.detail}
                  {a.model && <div className="muted model">model {a.model}</div>}
                </td>
                <td>
                  <TxLink hash={a.tx_hash} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
