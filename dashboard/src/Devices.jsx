// The fleet: a sortable, filterable, searchable table of every device, refreshed while the page is open. Each
// device opens on a page of its own (DevicePage).
import { useState } from 'react';
import { State, time, errorText, ago } from './components.jsx';

export const COLUMNS = [
  ['device_id', 'device', (d) => d.device_id],
  ['trust_score', 'trust (on-chain)', (d) => d.trust_score ?? 101],
  ['status', 'status', (d) => d.status],
  ['last_seen', 'last seen', (d) => d.last_seen ?? 0],
  ['logs', 'logs', (d) => d.counters?.logs ?? 0],
  ['security_events', 'security events', (d) => d.counters?.security_events ?? 0],
  ['ml_alerts', 'ML alerts', (d) => d.counters?.ml_alerts ?? 0],
];

/** Devices kept by a search text and a status or trust filter, sorted by a column. */
export function selectDevices(devices, { text = '', show = 'all', sort = 'device_id', descending = false, threshold = 50 }) {
  const needle = text.trim().toLowerCase();
  const column = COLUMNS.find(([id]) => id === sort) || COLUMNS[0];
  const kept = (devices || []).filter((d) => (!needle || d.device_id.includes(needle))
    && (show === 'all' || (show === 'below_threshold' ? (d.trust_score ?? 100) < threshold
      : show === 'reduced' ? (d.trust_score ?? 100) < 100 : d.status === show)));
  const value = column[2];
  return [...kept].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (descending ? -order : order) || a.device_id.localeCompare(b.device_id);
  });
}

export function trustBand(trust, threshold = 50) {
  if (trust === null || trust === undefined) {
    return ['', 'unknown'];
  }
  return trust < threshold ? ['low', 'below threshold'] : trust < 100 ? ['mid', 'reduced'] : ['ok', 'full'];
}

export default function Devices({ devices, error, onRetry, threshold = 50, now = Date.now() }) {
  const [view, setView] = useState({ text: '', show: 'all', sort: 'device_id', descending: false });
  if (error && !devices) {
    return (
      <section data-view="devices">
        <h2>Devices</h2>
        <State kind="error" onRetry={onRetry}>{errorText(error)}</State>
      </section>
    );
  }
  const shown = selectDevices(devices, { ...view, threshold });
  const sortBy = (id) => setView({ ...view, sort: id, descending: view.sort === id ? !view.descending : id !== 'device_id' && id !== 'status' });
  return (
    <section className="devices-view" data-view="devices">
      <h2>Devices</h2>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)} (showing the last list read)</State>}
      {devices === null && <State kind="loading">Loading devices…</State>}
      {devices !== null && devices.length === 0 && <State kind="empty">No devices provisioned yet (POST /api/v1/devices, see the README).</State>}
      {devices !== null && devices.length > 0 && (
        <>
          <form className="filters" role="search" aria-label="Find devices" onSubmit={(e) => e.preventDefault()}>
            <label>
              Search
              <input type="search" name="device-search" value={view.text} placeholder="device id"
                onChange={(e) => setView({ ...view, text: e.target.value })} />
            </label>
            <label>
              Show
              <select name="device-show" value={view.show} onChange={(e) => setView({ ...view, show: e.target.value })}>
                <option value="all">all devices</option>
                <option value="active">active</option>
                <option value="silent">silent (no packet for 5 min)</option>
                <option value="never_seen">never seen</option>
                <option value="reduced">trust below 100</option>
                <option value="below_threshold">trust below the command threshold</option>
              </select>
            </label>
            <span className="muted" role="status">{shown.length} of {devices.length} devices</span>
          </form>
          <div className="table-scroll">
            <table className="devices" aria-label="Devices">
              <thead>
                <tr>
                  {COLUMNS.map(([id, label]) => (
                    <th key={id} scope="col" aria-sort={view.sort === id ? (view.descending ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" className="sort" onClick={() => sortBy(id)} data-sort={id}>
                        {label}{view.sort === id ? (view.descending ? ' ▼' : ' ▲') : ''}
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((d) => {
                  const [band, bandText] = trustBand(d.trust_score, threshold);
                  return (
                    <tr key={d.device_id} data-device-row={d.device_id}>
                      <td><a href={`#/devices/${encodeURIComponent(d.device_id)}`}>{d.device_id}</a></td>
                      <td data-trust={d.trust_score}>
                        <span className={`trust ${band}`}>{d.trust_score ?? '—'} · {bandText}</span>
                      </td>
                      <td data-status={d.status}><span className={`status status-${d.status}`}>{d.status.replace('_', ' ')}</span></td>
                      <td title={time(d.last_seen)}>{ago(d.last_seen, now)}</td>
                      <td>{d.counters.logs}</td>
                      <td>{d.counters.security_events}</td>
                      <td>{d.counters.ml_alerts}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
