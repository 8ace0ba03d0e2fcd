// The fleet at a glance: devices online and silent, trust bands, open alerts by severity, throughput and security
// events over the last hour, and the devices that need attention.
import { useEffect, useMemo, useState } from 'react';
import { TimeChart } from './Chart.jsx';
import { State, errorText, ago } from './components.jsx';

function Tile({ title, items, id }) {
  return (
    <section className="tile" aria-label={title} data-tile={id}>
      <h3>{title}</h3>
      <ul>
        {items.map(([label, value, cls, href]) => (
          <li key={label} className={cls} data-count={value}>
            <span className="value">{href ? <a href={href}>{value}</a> : value}</span> <span className="name">{label}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Per-minute rates from counts per bucket. */
export function perMinute(counts, stepMs) {
  return counts.map((n) => Math.round((n * 60_000 / stepMs) * 10) / 10);
}

export default function Overview({ api, devices, refreshKey }) {
  const [overview, setOverview] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const every = setInterval(() => setTick((n) => n + 1), 10000);
    return () => clearInterval(every);
  }, []);
  useEffect(() => {
    let live = true;
    api.get('/overview?points=60').then((o) => live && (setOverview(o), setError(null)), (e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, tick, refreshKey]);
  const chart = useMemo(() => overview && {
    t: overview.t,
    lines: [
      { label: 'stored logs', values: perMinute(overview.stored, overview.step_ms), color: 'var(--accent-line)', width: 2 },
      { label: 'security events', values: perMinute(overview.security_events, overview.step_ms), color: 'var(--bad)', width: 2 },
      { label: 'ML alerts', values: perMinute(overview.ml_alerts, overview.step_ms), color: 'var(--warn)', width: 2 },
    ],
  }, [overview]);
  if (error && !overview) {
    return (
      <section data-view="overview">
        <h2>Overview</h2>
        <State kind="error" onRetry={() => setTick(tick + 1)}>{errorText(error)}</State>
      </section>
    );
  }
  if (!overview) {
    return <State kind="loading">Loading the overview…</State>;
  }
  const d = overview.devices;
  const t = overview.trust;
  const a = overview.open_alerts;
  const attention = (devices || []).filter((x) => (x.trust_score ?? 100) < 100 || x.status === 'silent')
    .sort((x, y) => (x.trust_score ?? 100) - (y.trust_score ?? 100)).slice(0, 8);
  return (
    <section data-view="overview">
      <h2>Overview</h2>
      {error && <State kind="error">{errorText(error)} (showing the last reading)</State>}
      <div className="tiles">
        <Tile id="devices" title={`Devices (${d.total})`} items={[
          ['active', d.active, 'good'],
          ['silent over 5 min', d.silent, d.silent ? 'warn' : ''],
          ['never seen', d.never_seen, ''],
        ]} />
        <Tile id="trust" title="Trust (on-chain)" items={[
          ['full (100)', t.full, 'good'],
          ['reduced', t.reduced, t.reduced ? 'warn' : ''],
          [`below threshold ${t.threshold}: commands refused`, t.below_threshold, t.below_threshold ? 'bad' : ''],
        ]} />
        <Tile id="alerts" title="Open alerts" items={[
          ['▲ high', a.high, a.high ? 'bad' : '', '#/alerts?state=open&severity=high'],
          ['◆ medium', a.medium, a.medium ? 'warn' : '', '#/alerts?state=open&severity=medium'],
          ['● low', a.low, '', '#/alerts?state=open&severity=low'],
        ]} />
      </div>
      <TimeChart id="throughput" title="Per minute, last hour" unit="/min" t={chart.t} lines={chart.lines} height={220} />
      <h3>Needs attention</h3>
      {attention.length === 0 ? (
        <State kind="empty">Every device is at full trust and reporting.</State>
      ) : (
        <ul className="attention">
          {attention.map((x) => (
            <li key={x.device_id} data-attention={x.device_id}>
              <a href={`#/devices/${encodeURIComponent(x.device_id)}`}>{x.device_id}</a>{' '}
              trust {x.trust_score ?? '—'}{x.trust_score < t.threshold ? ' (below threshold)' : ''} · {x.status.replace('_', ' ')},
              last seen {ago(x.last_seen)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
