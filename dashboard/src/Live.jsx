import { State, Sparkline, time, errorText } from './components.jsx';

const SECURITY_KINDS = ['replay', 'bad_signature', 'unknown_device', 'schema', 'sanity', 'rate'];

export function Counters({ stats }) {
  if (!stats) {
    return <State kind="loading">Loading counters…</State>;
  }
  const items = [
    ['received', stats.received],
    ['accepted', stats.accepted],
    ['stored', stats.stored],
    ['duplicates', stats.duplicates],
    ['batches', stats.batches],
    ['anchored', stats.anchored],
    ...SECURITY_KINDS.map((k) => [k, stats.security_events ? stats.security_events[k] : 0]),
  ];
  return (
    <div className="counters">
      {items.map(([name, value]) => (
        <div className="counter" key={name} data-counter={name}>
          <span className="value">{value ?? 0}</span>
          <span className="name">{name.replace('_', ' ')}</span>
        </div>
      ))}
    </div>
  );
}

/** Per-device temperature over the recent logs, anomalies (ML label) marked. */
export function DeviceCharts({ logs }) {
  const byDevice = new Map();
  for (const log of [...logs].reverse()) {
    if (!byDevice.has(log.device_id)) {
      byDevice.set(log.device_id, []);
    }
    byDevice.get(log.device_id).push(log);
  }
  if (byDevice.size === 0) {
    return <State kind="empty">No logs yet. Devices publishing on iot/logs appear here.</State>;
  }
  return (
    <div className="charts">
      {[...byDevice.entries()].sort().map(([device, series]) => {
        // Heartbeats may carry no temperature: the chart shows the readings there are.
        const recent = series.filter((l) => typeof (l.sensors && l.sensors.temperature) === 'number').slice(-60);
        const marks = recent.map((l, i) => (l.label === 'anomalous' ? i : -1)).filter((i) => i >= 0);
        return (
          <figure className="chart" key={device} data-device={device}>
            <figcaption>{device}</figcaption>
            <Sparkline values={recent.map((l) => l.sensors.temperature)} marks={marks} label={`${device} temperature`} />
            <span className="muted">
              {recent.length ? `${recent[recent.length - 1].sensors.temperature} °C` : ''}
            </span>
          </figure>
        );
      })}
    </div>
  );
}

export default function Live({ stats, logs, error, onRetry }) {
  return (
    <section>
      <h2>Live</h2>
      <Counters stats={stats} />
      <h3>Sensors</h3>
      {logs === null ? <State kind="loading">Loading logs…</State> : <DeviceCharts logs={logs} />}
      <h3>Logs</h3>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)}</State>}
      {logs === null && !error && <State kind="loading">Loading logs…</State>}
      {logs !== null && logs.length === 0 && <State kind="empty">No logs stored yet.</State>}
      {logs !== null && logs.length > 0 && (
        <table className="logs">
          <thead>
            <tr>
              <th>device</th>
              <th>seq</th>
              <th>type</th>
              <th>device time</th>
              <th>temp</th>
              <th>battery</th>
              <th>ML</th>
              <th>proof</th>
            </tr>
          </thead>
          <tbody>
            {logs.slice(0, 50).map((l) => (
              <tr key={`${l.device_id}/${l.sequence_no}`} data-log={`${l.device_id}/${l.sequence_no}`}>
                <td>{l.device_id}</td>
                <td>{l.sequence_no}</td>
                <td>{l.type}</td>
                <td>{time(l.timestamp)}</td>
                <td>{l.sensors && typeof l.sensors.temperature === 'number' ? l.sensors.temperature : '—'}</td>
                <td>{l.battery_level}</td>
                <td>{l.label ? `${l.label} (${Math.round((l.score ?? 0) * 100)}%)` : <span className="muted">not scored</span>}</td>
                <td>
                  <a href={`#/proofs/${encodeURIComponent(l.device_id)}/${l.sequence_no}`}>verify</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
