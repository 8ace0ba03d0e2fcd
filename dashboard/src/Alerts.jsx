import { useState } from 'react';
import { State, TxLink, time, errorText } from './components.jsx';

// A live alert message: a new incident is added on top; a further event of an incident already shown (same id,
// PROTOCOL v1.1 §4: one device, one kind, 60 s) raises its count instead of adding a row.
export function mergeAlert(current, m) {
  const list = current || [];
  const known = list.find((a) => a.id === m.id);
  if (known) {
    return list.map((a) => (a.id === m.id
      ? { ...a, count: Math.max(a.count ?? 1, m.count ?? 1), attributable: a.attributable || m.attributable,
        last_observed_at: Math.max(a.last_observed_at ?? 0, m.observed_at ?? 0) }
      : a));
  }
  return [
    { id: m.id, source: m.source, kind: m.kind, device_id: m.device_id, detail: m.detail, confidence: m.confidence,
      model: m.model, observed_at: m.observed_at, tx_hash: m.tx_hash, count: m.count ?? 1, attributable: m.attributable },
    ...list,
  ];
}

// Which alerts a filter keeps: source (security, ml), kind, and text found in the device id or the detail.
export function filterAlerts(alerts, { source = '', kind = '', text = '' }) {
  const needle = text.trim().toLowerCase();
  return (alerts || []).filter((a) => (!source || a.source === source) && (!kind || a.kind === kind)
    && (!needle || (a.device_id || '').toLowerCase().includes(needle) || (a.detail || '').toLowerCase().includes(needle)));
}

export default function Alerts({ alerts, error, onRetry }) {
  const [filter, setFilter] = useState({ source: '', kind: '', text: '' });
  const kinds = [...new Set((alerts || []).map((a) => a.kind))].sort();
  const shown = filterAlerts(alerts, filter);
  const set = (key) => (e) => setFilter({ ...filter, [key]: e.target.value });
  return (
    <section>
      <h2>Alerts</h2>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)}</State>}
      {alerts === null && !error && <State kind="loading">Loading alerts…</State>}
      {alerts !== null && alerts.length === 0 && <State kind="empty">No alerts. Security events and ML alerts appear here.</State>}
      {alerts !== null && alerts.length > 0 && (
        <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
          <label>
            Source
            <select name="source" value={filter.source} onChange={set('source')}>
              <option value="">all</option>
              <option value="security">security</option>
              <option value="ml">ml</option>
            </select>
          </label>
          <label>
            Kind
            <select name="kind" value={filter.kind} onChange={set('kind')}>
              <option value="">all</option>
              {kinds.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
          </label>
          <label>
            Device or detail
            <input name="text" type="search" value={filter.text} onChange={set('text')} placeholder="e.g. sim-0003" />
          </label>
          <span className="muted" role="status">
            {shown.length} of {alerts.length} shown (the newest {alerts.length} loaded)
          </span>
        </form>
      )}
      {alerts !== null && alerts.length > 0 && shown.length === 0 && (
        <State kind="empty">No alert matches this filter.</State>
      )}
      {alerts !== null && shown.length > 0 && (
        <table className="alerts">
          <thead>
            <tr>
              <th>time</th>
              <th>source</th>
              <th>kind</th>
              <th>count</th>
              <th>device</th>
              <th>confidence</th>
              <th>detail</th>
              <th>ledger tx</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.id} data-alert={a.id} data-kind={a.kind}>
                <td>{time(a.observed_at)}</td>
                <td>{a.source}</td>
                <td className={`kind kind-${a.kind}`}>{a.kind}</td>
                <td className="count" data-count={a.count ?? 1}
                  title={a.source === 'security' ? (a.attributable ? 'cost the device 20 trust' : 'costs no trust: anyone could have sent it') : undefined}>
                  {(a.count ?? 1) > 1 ? `×${a.count}` : '1'}
                  {(a.count ?? 1) > 1 && a.last_observed_at > a.observed_at && (
                    <div className="muted">over {Math.max(1, Math.round((a.last_observed_at - a.observed_at) / 1000))} s</div>
                  )}
                  {a.source === 'security' && a.attributable && <span className="muted"> −20</span>}
                </td>
                <td>
                  {a.device_id
                    ? <a href={`#/devices/${encodeURIComponent(a.device_id)}`}>{a.device_id}</a>
                    : <span className="muted">unreadable</span>}
                </td>
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
