// Alerts: one row per incident (PROTOCOL v1.1 §4) or ML alert, with severity, count, start and end; filtered and
// paged by the server; acknowledged, resolved or reopened by an operator, each action kept with who and when.
import { useCallback, useEffect, useRef, useState } from 'react';
import { atLeast } from './api.js';
import { withParams } from './Paged.jsx';
import { State, TxLink, time, errorText, duration, severityBadge, Head } from './components.jsx';

const KINDS = ['replay', 'bad_signature', 'unknown_device', 'schema', 'sanity', 'rate', 'impersonation', 'ml_anomaly'];
const ANY = ['', 'any'];
// The server-side filters offered as lists: name, label, [value, text] choices.
const FILTERS = [
  ['state', 'State', [ANY, ['open', 'open'], ['acknowledged', 'acknowledged'], ['resolved', 'resolved']]],
  ['severity', 'Severity', [ANY, ['high', 'high'], ['medium', 'medium'], ['low', 'low']]],
  ['source', 'Source', [ANY, ['security', 'security'], ['ml', 'ML']]],
  ['kind', 'Kind', [ANY, ...KINDS.map((k) => [k, k])]],
];
const SINCE = [['', 'any time'], ['900000', 'last 15 min'], ['3600000', 'last hour'], ['86400000', 'last 24 h'], ['604800000', 'last 7 days']];

function severityOf(m) {
  if (m.severity) {
    return m.severity;
  }
  if (m.source === 'ml') {
    return (m.confidence ?? 0) >= 0.95 ? 'high' : 'medium';
  }
  return m.attributable ? 'high' : (m.count ?? 1) >= 10 ? 'medium' : 'low';
}

// A live alert message: a new incident is added on top; a further event of an incident already shown (same id,
// PROTOCOL v1.1 §4: one device, one kind, 60 s) raises its count and moves its end instead of adding a row.
export function mergeAlert(current, m) {
  const list = current || [];
  const known = list.find((a) => a.id === m.id);
  if (known) {
    return list.map((a) => {
      if (a.id !== m.id) {
        return a;
      }
      const merged = { ...a, count: Math.max(a.count ?? 1, m.count ?? 1), attributable: a.attributable || m.attributable,
        last_observed_at: Math.max(a.last_observed_at ?? 0, m.observed_at ?? 0) };
      return { ...merged, severity: severityOf({ ...merged, severity: null }) };
    });
  }
  return [
    { id: m.id, source: m.source, kind: m.kind, device_id: m.device_id, detail: m.detail, confidence: m.confidence,
      model: m.model, observed_at: m.observed_at, last_observed_at: m.observed_at, tx_hash: m.tx_hash,
      count: m.count ?? 1, attributable: m.attributable, severity: severityOf(m), state: m.state || 'open' },
    ...list,
  ];
}

/** Whether a live alert belongs in the list the filter shows (the server applies the same rules). */
export function matches(alert, filter, now = Date.now()) {
  return (!filter.source || alert.source === filter.source) && (!filter.kind || alert.kind === filter.kind)
    && (!filter.severity || alert.severity === filter.severity) && (!filter.state || (alert.state || 'open') === filter.state)
    && (!filter.device_id || alert.device_id === filter.device_id)
    && (!filter.since || alert.observed_at >= now - Number(filter.since));
}

/** An alert's state changed (by anyone): its row shows it. */
export function applyState(list, m) {
  return (list || []).map((a) => (a.id === m.alert_id
    ? { ...a, state: m.state, state_by: m.state_by, state_role: m.state_role, state_at: m.state_at } : a));
}

export function TriageButtons({ api, alert, role, onChanged }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (!atLeast(role, 'operator')) {
    return null;
  }
  const act = async (action) => {
    setBusy(true);
    setError(null);
    try {
      const by = localStorage.getItem('vigil.operator') || role;
      onChanged(await api.post(`/alerts/${alert.id}/actions`, { action, by }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const state = alert.state || 'open';
  return (
    <span className="triage">
      {state === 'open' && (
        <button type="button" disabled={busy} onClick={() => act('acknowledge')} data-ack={alert.id}
          aria-label={`Acknowledge ${alert.kind} on ${alert.device_id || 'unknown device'}`}>Acknowledge</button>
      )}
      {state !== 'resolved' && (
        <button type="button" disabled={busy} onClick={() => act('resolve')} data-resolve={alert.id}
          aria-label={`Resolve ${alert.kind} on ${alert.device_id || 'unknown device'}`}>Resolve</button>
      )}
      {state !== 'open' && (
        <button type="button" disabled={busy} onClick={() => act('reopen')} data-reopen={alert.id}
          aria-label={`Reopen ${alert.kind} on ${alert.device_id || 'unknown device'}`}>Reopen</button>
      )}
      {error && <span className="error-text" role="alert">{errorText(error)}</span>}
    </span>
  );
}

/** Everything known about one alert: its detail, its events, its triage trail and its ledger record. */
export function AlertDetail({ api, id, role, onChanged }) {
  const [alert, setAlert] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api.get(`/alerts/${encodeURIComponent(id)}`).then((a) => live && (setAlert(a), setError(null)), (e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, id, tick]);
  if (error) {
    return <State kind="error" onRetry={() => setTick(tick + 1)}>{errorText(error)}</State>;
  }
  if (!alert) {
    return <State kind="loading">Loading {id}…</State>;
  }
  return (
    <div className="alert-detail" data-alert-detail={id}>
      <dl className="metadata">
        <dt>what</dt>
        <dd>{alert.detail}</dd>
        <dt>severity</dt>
        <dd>{severityBadge(alert.severity)} {alert.source === 'security'
          ? (alert.attributable ? '— only the key holder could cause it; it cost the device 20 trust'
            : '— anyone could have sent it; it costs no trust')
          : `— ML confidence ${Math.round((alert.confidence ?? 0) * 100)} %, model ${alert.model}`}</dd>
        <dt>when</dt>
        <dd>{time(alert.observed_at)}{alert.last_observed_at > alert.observed_at ? ` to ${time(alert.last_observed_at)} (${duration(alert.last_observed_at - alert.observed_at)})` : ''}</dd>
        <dt>device</dt>
        <dd>{alert.device_id ? <a href={`#/devices/${encodeURIComponent(alert.device_id)}`}>{alert.device_id}</a> : 'unreadable'}
          {alert.sequence_no !== null && alert.sequence_no !== undefined && alert.source === 'ml' && (
            <> · log {alert.sequence_no} <a href={`#/proofs/${encodeURIComponent(alert.device_id)}/${alert.sequence_no}`}>verify its proof</a></>
          )}</dd>
        <dt>ledger</dt>
        <dd><TxLink hash={alert.tx_hash} /></dd>
        <dt>state</dt>
        <dd data-state-now={alert.state}>{alert.state}{alert.state_by ? ` by ${alert.state_by} (${alert.state_role}) at ${time(alert.state_at)}` : ''}{' '}
          <TriageButtons api={api} alert={alert} role={role} onChanged={(r) => { setTick(tick + 1); onChanged && onChanged(r); }} /></dd>
      </dl>
      {alert.events && (
        <>
          <h4>Events in this incident ({alert.events.length}{alert.count > alert.events.length ? ` of ${alert.count}` : ''})</h4>
          <div className="table-scroll">
            <table tabIndex={0} aria-label="Events in this incident">
              <Head columns={['time', 'sequence', 'detail']} />
              <tbody>
                {alert.events.map((e) => (
                  <tr key={e.id}><td>{time(e.observed_at)}</td><td>{e.sequence_no ?? '—'}</td><td>{e.detail}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h4>Triage trail</h4>
      {alert.actions.length === 0 ? <p className="muted">Nobody has acted on this alert yet.</p> : (
        <ol className="trail" data-trail={id}>
          {alert.actions.map((a, i) => (
            <li key={i}>{time(a.at)}: {a.actor} ({a.role}) {a.action === 'acknowledge' ? 'acknowledged' : a.action === 'resolve' ? 'resolved' : 'reopened'}{a.note ? ` — “${a.note}”` : ''}</li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function parseFilter(query) {
  const q = new URLSearchParams(query || '');
  return { source: q.get('source') || '', kind: q.get('kind') || '', severity: q.get('severity') || '',
    state: q.get('state') ?? 'open', device_id: q.get('device_id') || '', since: q.get('since') || '' };
}

export default function Alerts({ api, role, feed, query }) {
  const [filter, setFilter] = useState(() => parseFilter(query));
  const [alerts, setAlerts] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(null);
  const seen = useRef(feed.length ? feed[feed.length - 1].seq : 0);

  const load = useCallback((cursor) => {
    setBusy(true);
    const now = Date.now();
    const params = { ...filter, since: filter.since ? now - Number(filter.since) : '', limit: 50, cursor };
    return api.get(withParams('/alerts', params)).then((page) => {
      setAlerts((current) => (cursor ? [...(current || []), ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    }, setError).finally(() => setBusy(false));
  }, [api, filter]);
  useEffect(() => {
    load(null);
  }, [load]);
  // Live messages since the last look: new incidents and alerts that match the filter, counts, states, tx hashes.
  useEffect(() => {
    const fresh = feed.filter((m) => m.seq > seen.current);
    if (fresh.length === 0) {
      return;
    }
    seen.current = fresh[fresh.length - 1].seq;
    setAlerts((current) => {
      let list = current;
      if (list === null) {
        return list;
      }
      for (const m of fresh) {
        if (m.type === 'alert' && (list.some((a) => a.id === m.id) || matches(mergeAlert([], m)[0], filter))) {
          list = mergeAlert(list, m);
        } else if (m.type === 'alert_state') {
          list = applyState(list, m);
        } else if (m.type === 'incident' && m.alert_id !== null) {
          list = list.map((a) => (a.id === m.alert_id ? { ...a, tx_hash: m.tx_hash } : a));
        }
      }
      return list;
    });
  }, [feed, filter]);
  const set = (key) => (e) => setFilter({ ...filter, [key]: e.target.value });
  return (
    <section data-view="alerts">
      <h2>Alerts</h2>
      <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        {FILTERS.map(([key, label, options]) => (
          <label key={key}>
            {label}
            <select name={key} value={filter[key]} onChange={set(key)}>
              {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </label>
        ))}
        <label>
          Device
          <input name="device_id" type="search" value={filter.device_id} placeholder="exact device id"
            onChange={set('device_id')} />
        </label>
        <label>
          Time
          <select name="since" value={filter.since} onChange={set('since')}>
            {SINCE.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
      </form>
      {error && <State kind="error" onRetry={() => load(null)}>{errorText(error)}</State>}
      {alerts === null && !error && <State kind="loading">Loading alerts…</State>}
      {alerts !== null && alerts.length === 0 && <State kind="empty">No alert matches this filter.</State>}
      {alerts !== null && alerts.length > 0 && (
        <>
          <div className="table-scroll">
            <table className="alerts" aria-label="Alerts">
              <Head columns={['severity', 'began', 'kind', 'device', 'events', 'detail', 'state', 'ledger']} />
              <tbody>
                {alerts.map((a) => [
                  <tr key={a.id} data-alert={a.id} data-kind={a.kind} data-alert-state={a.state || 'open'}>
                    <td>{severityBadge(a.severity)}</td>
                    <td>{time(a.observed_at)}</td>
                    <td className={`kind kind-${a.kind}`}>{a.kind}{a.source === 'ml' ? ` (${Math.round((a.confidence ?? 0) * 100)} %)` : ''}</td>
                    <td>{a.device_id ? <a href={`#/devices/${encodeURIComponent(a.device_id)}`}>{a.device_id}</a> : <span className="muted">unreadable</span>}</td>
                    <td className="count" data-count={a.count ?? 1}>
                      {(a.count ?? 1) > 1 ? `×${a.count}` : '1'}
                      {(a.count ?? 1) > 1 && a.last_observed_at > a.observed_at && (
                        <div className="muted">over {duration(a.last_observed_at - a.observed_at)}</div>
                      )}
                      {a.source === 'security' && a.attributable && <div className="muted">−20 trust</div>}
                    </td>
                    <td className="detail">
                      <button type="button" className="link" aria-expanded={open === a.id} data-expand={a.id}
                        onClick={() => setOpen(open === a.id ? null : a.id)}>
                        {open === a.id ? '▾' : '▸'} {a.detail}
                      </button>
                    </td>
                    <td>
                      <span data-state={a.state || 'open'}>{a.state || 'open'}</span>
                      {a.state_by && <div className="muted">by {a.state_by}</div>}
                      <TriageButtons api={api} alert={a} role={role}
                        onChanged={(r) => setAlerts((list) => applyState(list, { alert_id: r.id, ...r }))} />
                    </td>
                    <td><TxLink hash={a.tx_hash} /></td>
                  </tr>,
                  open === a.id && (
                    <tr key={`${a.id}-detail`} className="expanded">
                      <td colSpan={8}>
                        <AlertDetail api={api} id={a.id} role={role}
                          onChanged={(r) => setAlerts((list) => applyState(list, { alert_id: r.id, ...r }))} />
                      </td>
                    </tr>
                  ),
                ])}
              </tbody>
            </table>
          </div>
          <p className="muted" role="status">
            {alerts.length} shown{next ? '' : ', no more'}.{' '}
            {next && <button type="button" disabled={busy} onClick={() => load(next)} data-older="alerts">{busy ? 'Loading…' : 'Show 50 older'}</button>}
          </p>
        </>
      )}
    </section>
  );
}
