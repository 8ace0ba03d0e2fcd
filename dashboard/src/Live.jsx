// Live: the pipeline's counters, grouped, with rates over the last interval, and the newest stored logs as they arrive.
import { useEffect, useRef, useState } from 'react';
import { State, time, errorText, Head } from './components.jsx';

const SECURITY_KINDS = ['replay', 'bad_signature', 'unknown_device', 'schema', 'sanity', 'rate', 'impersonation'];

export const GROUPS = [
  ['Ingest', [['received', 'received'], ['accepted', 'accepted'], ['stored', 'stored'], ['duplicates', 'duplicates dropped']]],
  ['Ledger', [['batches', 'batches'], ['anchored', 'anchored on-chain']]],
  ['ML', [['ml_anomalous_logs', 'anomalous logs'], ['ml_alerts', 'ML alerts']]],
];

/** Per-second rates between two /stats readings. */
export function rates(previous, current) {
  if (!previous || !current || current.at <= previous.at) {
    return {};
  }
  const seconds = (current.at - previous.at) / 1000;
  const out = {};
  for (const [, items] of GROUPS) {
    for (const [key] of items) {
      out[key] = Math.max(0, ((current.stats[key] ?? 0) - (previous.stats[key] ?? 0)) / seconds);
    }
  }
  let security = 0;
  let before = 0;
  for (const kind of SECURITY_KINDS) {
    security += current.stats.security_events?.[kind] ?? 0;
    before += previous.stats.security_events?.[kind] ?? 0;
  }
  out.security_events = Math.max(0, (security - before) / seconds);
  return out;
}

function rateText(r) {
  if (r === undefined) {
    return '';
  }
  return r >= 10 ? `${Math.round(r)}/s` : `${r.toFixed(1)}/s`;
}

export function Counters({ stats, error }) {
  const [readings, setReadings] = useState([]);
  const last = useRef(null);
  useEffect(() => {
    if (stats && stats !== last.current) {
      last.current = stats;
      setReadings((r) => [...r.slice(-1), { at: Date.now(), stats }]);
    }
  }, [stats]);
  if (!stats) {
    return error ? <State kind="error">Counters unavailable: {errorText(error)}</State> : <State kind="loading">Loading counters…</State>;
  }
  const r = readings.length === 2 ? rates(readings[0], readings[1]) : {};
  const security = SECURITY_KINDS.reduce((n, k) => n + (stats.security_events?.[k] ?? 0), 0);
  return (
    <>
      {error && <State kind="error">The counters could not be refreshed: {errorText(error)}. Showing the last reading.</State>}
      <div className="counter-groups">
        {GROUPS.map(([group, items]) => (
          <section className="counter-group" key={group} aria-label={group}>
            <h3>{group}</h3>
            <div className="counters">
              {items.map(([key, label]) => (
                <div className="counter" key={key} data-counter={key}>
                  <span className="value">{(stats[key] ?? 0).toLocaleString('en')}</span>
                  <span className="name">{label}</span>
                  {r[key] !== undefined && <span className="rate muted">{rateText(r[key])}</span>}
                </div>
              ))}
            </div>
          </section>
        ))}
        <section className="counter-group" aria-label="Security events">
          <h3>Security events <span className="muted">({security.toLocaleString('en')}{r.security_events !== undefined ? `, ${rateText(r.security_events)}` : ''})</span></h3>
          <div className="counters">
            {SECURITY_KINDS.map((k) => (
              <div className="counter" key={k} data-counter={k}>
                <span className="value">{(stats.security_events?.[k] ?? 0).toLocaleString('en')}</span>
                <span className="name">{k === 'rate' ? 'rate limit' : k.replace('_', ' ')}</span>
              </div>
            ))}
          </div>
        </section>
      </div>
    </>
  );
}

/** A sequence number as the device sent it, digits grouped so that 13-digit values stay readable. */
export function sequence(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

export default function Live({ stats, statsError, logs, error, onRetry }) {
  return (
    <section data-view="live">
      <h2>Live</h2>
      <Counters stats={stats} error={statsError} />
      <h3>Newest logs</h3>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)}</State>}
      {logs === null && !error && <State kind="loading">Loading logs…</State>}
      {logs !== null && logs.length === 0 && <State kind="empty">No logs stored yet. Devices publishing on iot/logs appear here.</State>}
      {logs !== null && logs.length > 0 && (
        <div className="table-scroll">
          <table className="logs" aria-label="Newest logs">
            <Head columns={['device', 'sequence', 'type', 'device time', 'temperature', 'cpu', 'battery', 'ML', 'proof']} />
            <tbody>
              {logs.slice(0, 50).map((l) => (
                <tr key={`${l.device_id}/${l.sequence_no}`} data-log={`${l.device_id}/${l.sequence_no}`}
                  className={l.label === 'anomalous' ? 'anomalous' : ''}>
                  <td><a href={`#/devices/${encodeURIComponent(l.device_id)}`}>{l.device_id}</a></td>
                  <td className="num">{sequence(l.sequence_no)}</td>
                  <td>{l.type}</td>
                  <td>{time(l.timestamp)}</td>
                  <td>{l.sensors && typeof l.sensors.temperature === 'number' ? `${l.sensors.temperature} °C` : '—'}</td>
                  <td>{l.cpu_usage} %</td>
                  <td>{l.battery_level} %</td>
                  <td>{l.label ? `${l.label === 'anomalous' ? '⚠ ' : ''}${l.label} (${Math.round((l.score ?? 0) * 100)} %)` : <span className="muted">not scored</span>}</td>
                  <td><a href={`#/proofs/${encodeURIComponent(l.device_id)}/${l.sequence_no}`}>verify</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
