// One device on a page of its own: metadata, every metric over a chosen time range, trust over time with the command
// threshold, its logs, alerts, security events and commands, and the command form.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { TimeChart } from './Chart.jsx';
import { CommandForm } from './Commands.jsx';
import { Paged } from './Paged.jsx';
import { State, TxLink, time, errorText, severityBadge, Head } from './components.jsx';

export const RANGES = [
  ['15m', '15 min', 15 * 60_000],
  ['1h', '1 h', 3600_000],
  ['24h', '24 h', 24 * 3600_000],
];

const METRIC_ORDER = ['temperature', 'humidity', 'light', 'motion', 'cpu_usage', 'battery_level'];
const METRIC_NAMES = { cpu_usage: 'CPU', battery_level: 'Battery', temperature: 'Temperature', humidity: 'Humidity',
  light: 'Light', motion: 'Motion' };

/** Trust as a step line over [from, to]: the value before the range, then each change. */
export function trustLine(trust, from, to) {
  const t = [];
  const v = [];
  let current = trust.length && trust[0].trust_score !== null ? trust[0].trust_score : 100;
  t.push(from);
  v.push(current);
  for (const change of trust.slice(1)) {
    t.push(change.t);
    v.push(change.trust_score);
    current = change.trust_score;
  }
  t.push(to);
  v.push(current);
  return { t, v };
}

function RangePicker({ range, onChange }) {
  const [custom, setCustom] = useState({ from: '', to: '' });
  const local = (ms) => new Date(ms - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {RANGES.map(([id, label, span]) => (
        <button key={id} type="button" aria-pressed={range.id === id} data-range={id}
          onClick={() => onChange({ id, span })}>
          {label}
        </button>
      ))}
      <form className="custom-range" onSubmit={(e) => {
        e.preventDefault();
        const from = new Date(custom.from).getTime();
        const to = new Date(custom.to).getTime();
        if (from < to) {
          onChange({ id: 'custom', from, to });
        }
      }}>
        <label>
          From
          <input type="datetime-local" value={custom.from || local(Date.now() - 3600_000)}
            onChange={(e) => setCustom({ ...custom, from: e.target.value })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={custom.to || local(Date.now())}
            onChange={(e) => setCustom({ ...custom, to: e.target.value })} />
        </label>
        <button type="submit" aria-pressed={range.id === 'custom'}>Show</button>
      </form>
    </div>
  );
}

function Charts({ api, deviceId, range, threshold, refreshKey }) {
  const [series, setSeries] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (range.id === 'custom') {
      return undefined;
    }
    const every = setInterval(() => setTick((n) => n + 1), 15000);
    return () => clearInterval(every);
  }, [range]);
  useEffect(() => {
    let live = true;
    const to = range.id === 'custom' ? range.to : Date.now();
    const from = range.id === 'custom' ? range.from : to - range.span;
    api.get(`/devices/${encodeURIComponent(deviceId)}/series?from=${from}&to=${to}&points=240`).then(
      (s) => live && (setSeries(s), setError(null)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, deviceId, range, tick, refreshKey]);

  const charts = useMemo(() => {
    if (!series) {
      return [];
    }
    const names = Object.keys(series.series).sort((a, b) => {
      const ia = METRIC_ORDER.indexOf(a);
      const ib = METRIC_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    return names.map((name) => {
      const s = series.series[name];
      const markers = series.anomalies.map((a) => {
        const i = Math.min(series.t.length - 1, Math.floor((a.t - series.from) / series.step_ms));
        return { t: a.t, value: s.avg[i] };
      }).filter((m) => m.value !== null && m.value !== undefined);
      return {
        name,
        unit: s.unit,
        lines: [
          { label: 'mean', values: s.avg, color: 'var(--accent-line)', width: 2 },
          { label: 'min', values: s.min, color: 'var(--muted-line)', dash: [3, 3], width: 1 },
          { label: 'max', values: s.max, color: 'var(--muted-line)', dash: [3, 3], width: 1 },
        ],
        markers,
      };
    });
  }, [series]);
  const trust = useMemo(() => {
    if (!series) {
      return null;
    }
    const line = trustLine(series.trust, series.from, series.to);
    return { t: line.t, lines: [{ label: 'trust (on-chain)', values: line.v, color: 'var(--accent-line)', width: 2 }] };
  }, [series]);
  const thresholdLine = useMemo(() => (threshold !== null && threshold !== undefined
    ? { value: threshold, label: `command threshold ${threshold}` } : null), [threshold]);

  if (error) {
    return <State kind="error" onRetry={() => setTick(tick + 1)}>{errorText(error)}</State>;
  }
  if (!series) {
    return <State kind="loading">Loading readings…</State>;
  }
  const total = series.count.reduce((a, b) => a + b, 0);
  return (
    <>
      <p className="muted" data-series-summary>
        {total} logs from {time(series.from)} to {time(series.to)}, {series.t.length} buckets of{' '}
        {Math.round(series.step_ms / 1000)} s (mean with min and max); {series.anomalies.length} anomalous.
      </p>
      <div className="chart-grid">
        {charts.map((c) => (
          <TimeChart key={c.name} id={c.name} title={METRIC_NAMES[c.name] || c.name} unit={c.unit} t={series.t}
            lines={c.lines} markers={c.markers} />
        ))}
        <TimeChart id="trust" title="Trust" unit="" t={trust.t} lines={trust.lines} threshold={thresholdLine}
          range={[0, 100]} stepped />
      </div>
    </>
  );
}

function TrustHistory({ history: all }) {
  // A heartbeat at 100 changes nothing: such rows are counted, not listed.
  const history = all.filter((h) => h.previous !== h.trust_score);
  const unchanged = all.length - history.length;
  if (history.length === 0) {
    return <State kind="empty">No trust change yet{unchanged ? ` (${unchanged} heartbeats at 100)` : ''}: the device is at {all.length ? all[0].trust_score : 100}.</State>;
  }
  return (
    <div className="table-scroll">
      {unchanged > 0 && <p className="muted">{unchanged} heartbeats that found the device at 100 are not listed.</p>}
      <table tabIndex={0} aria-label="Trust history">
        <Head columns={['time', 'change', 'why', 'ledger tx']} />
        <tbody>
          {history.map((h, i) => (
            <tr key={i}>
              <td>{time(h.recorded_at)}</td>
              <td>
                {h.previous} → {h.trust_score} ({h.delta > 0 ? '+' : ''}{h.delta})
              </td>
              <td>{h.delta > 0 ? `${h.delta} valid heartbeat${h.delta > 1 ? 's' : ''}` : 'an attributable incident (see its alerts)'}</td>
              <td><TxLink hash={h.tx_hash} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function DevicePage({ api, deviceId, role, refreshKey }) {
  const [device, setDevice] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const [range, setRange] = useState({ id: '15m', span: 15 * 60_000 });
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    api.get(`/devices/${encodeURIComponent(deviceId)}`).then(
      (d) => live && (setDevice(d), setError(null)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, deviceId, refreshKey, tick]);
  const id = encodeURIComponent(deviceId);
  if (error) {
    return (
      <section data-view="device">
        <h2>{deviceId}</h2>
        <State kind="error" onRetry={reload}>{errorText(error)}</State>
        <p><a href="#/devices">All devices</a></p>
      </section>
    );
  }
  if (!device) {
    return <State kind="loading">Loading {deviceId}…</State>;
  }
  const below = device.trust_score !== null && device.command_threshold !== undefined && device.trust_score < device.command_threshold;
  return (
    <section className="device-page" data-view="device" data-device-detail={deviceId}>
      <p className="crumbs"><a href="#/devices">Devices</a> / {deviceId}</p>
      <h2>
        {deviceId}{' '}
        <span className={`trust ${below ? 'low' : device.trust_score < 100 ? 'mid' : 'ok'}`} data-trust={device.trust_score}>
          trust {device.trust_score ?? '—'}{below ? ' · below threshold' : ''}
        </span>{' '}
        <span className={`status status-${device.status}`} data-status={device.status}>{device.status.replace('_', ' ')}</span>
      </h2>
      <p className="muted">
        Trust {device.trust_source === 'chain' ? 'read from the chain now' : 'as the last on-chain event reported'} ·
        command threshold {device.command_threshold ?? '—'} · last seen {time(device.last_seen)}
      </p>
      <dl className="metadata" data-device-metadata>
        <dt>public key</dt>
        <dd className="hash">{device.public_key}</dd>
        <dt>provisioned</dt>
        <dd>{time(device.provisioned_at)}</dd>
        <dt>stored logs</dt>
        <dd>{device.counters?.logs ?? '—'}</dd>
        <dt>security events</dt>
        <dd>{device.counters?.security_events ?? '—'}</dd>
        <dt>ML alerts</dt>
        <dd>{device.counters?.ml_alerts ?? '—'}</dd>
        <dt>device model</dt>
        <dd>
          {device.ml && device.ml.packets_learned > 0
            ? `learned from ${device.ml.packets_learned} packets, saved ${time(device.ml.saved_at)}`
            : 'not trained yet'}
        </dd>
      </dl>
      <h3>Readings</h3>
      <RangePicker range={range} onChange={setRange} />
      <Charts api={api} deviceId={deviceId} range={range} threshold={device.command_threshold} refreshKey={refreshKey} />
      <h3>Command</h3>
      <CommandForm api={api} deviceId={deviceId} role={role} onDecided={reload}
        trust={device.trust_score} threshold={device.command_threshold} commands={device.commands || []} />
      <h3>Alerts</h3>
      <Paged api={api} path={`/alerts?device_id=${id}`} pageSize={10} label="alerts" refreshKey={refreshKey}
        columns={[
          ['time', (a) => time(a.observed_at)],
          ['severity', (a) => severityBadge(a.severity)],
          ['kind', (a) => a.kind],
          ['count', (a) => (a.count > 1 ? `×${a.count}` : '1')],
          ['state', (a) => a.state],
          ['detail', (a) => <a href={`#/alerts/${a.id}`}>{a.detail}</a>],
        ]} />
      <h3>Logs</h3>
      <Paged api={api} path={`/logs?device_id=${id}`} pageSize={10} label="logs" refreshKey={refreshKey}
        columns={[
          ['sequence', (l) => l.sequence_no],
          ['device time', (l) => time(l.timestamp)],
          ['type', (l) => l.type],
          ['readings', (l) => Object.entries(l.sensors || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '—'],
          ['cpu / battery', (l) => `${l.cpu_usage} % / ${l.battery_level} %`],
          ['ML', (l) => (l.label ? `${l.label} (${Math.round((l.score ?? 0) * 100)} %)` : '—')],
          ['proof', (l) => <a href={`#/proofs/${id}/${l.sequence_no}`}>verify</a>],
        ]} />
      <h3>Security events</h3>
      <Paged api={api} path={`/security-events?device_id=${id}`} pageSize={10} label="security events" refreshKey={refreshKey}
        columns={[
          ['time', (e) => time(e.observed_at)],
          ['kind', (e) => e.kind],
          ['sequence', (e) => e.sequence_no ?? '—'],
          ['detail', (e) => e.detail],
          ['cost trust', (e) => (e.attributable ? 'yes' : 'no')],
        ]} />
      <h3>Trust history</h3>
      <TrustHistory history={device.trust_history || []} />
    </section>
  );
}
