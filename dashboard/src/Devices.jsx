import { useEffect, useState } from 'react';
import { atLeast } from './api.js';
import { State, Sparkline, TxLink, time, errorText } from './components.jsx';

// Actions the demo firmware knows; any other matching the pattern may be sent too.
const KNOWN_ACTIONS = ['reboot', 'identify', 'sync_time', 'set_interval', 'rotate_key'];

export function CommandForm({ api, deviceId, role, onDecided, trust, threshold }) {
  const belowThreshold = trust !== undefined && trust !== null && threshold !== undefined && threshold !== null
    && trust < threshold;
  const [action, setAction] = useState('reboot');
  const [params, setParams] = useState('{}');
  const [decision, setDecision] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!atLeast(role, 'operator')) {
    return (
      <p className="muted" data-command-form="disabled">
        Commands need an operator token; you are signed in as {role}.
      </p>
    );
  }

  async function send(event) {
    event.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(params || '{}');
    } catch {
      setDecision({ kind: 'error', text: 'params must be a JSON object' });
      return;
    }
    setBusy(true);
    try {
      const answer = await api.post(`/devices/${encodeURIComponent(deviceId)}/commands`, { action, params: parsed });
      setDecision({ kind: 'published', text: `Published ${answer.command_id} on ${answer.topic} (trust ${answer.trust_score} ≥ threshold ${answer.threshold}).` });
    } catch (e) {
      if (e.status === 403 && e.detail && e.detail.trust_score !== undefined) {
        setDecision({ kind: 'refused', text: `Refused: trust ${e.detail.trust_score} is below the threshold ${e.detail.threshold}. Nothing was published.` });
      } else {
        setDecision({ kind: 'error', text: errorText(e) });
      }
    } finally {
      setBusy(false);
      onDecided();
    }
  }

  return (
    <form className="command" onSubmit={send} data-command-form="enabled">
      {belowThreshold && (
        <p className="warning" data-below-threshold>
          Trust {trust} is below the threshold {threshold}: the server will refuse unless the chain says otherwise
          when it decides.
        </p>
      )}
      <label>
        Action
        <input name="action" value={action} onChange={(e) => setAction(e.target.value)} list="known-actions"
          pattern="[a-z][a-z0-9_]{0,31}" title="lower case letters, digits and _, starting with a letter (up to 32)" required />
        <datalist id="known-actions">
          {KNOWN_ACTIONS.map((a) => <option key={a} value={a} />)}
        </datalist>
      </label>
      <label>
        Params (JSON object)
        <textarea name="params" rows={2} value={params} onChange={(e) => setParams(e.target.value)} spellCheck={false} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Deciding…' : 'Send command'}
      </button>
      {decision && (
        <p className={`decision decision-${decision.kind}`} role="status" data-decision={decision.kind}>
          {decision.text}
        </p>
      )}
    </form>
  );
}

export function DeviceDetail({ api, deviceId, role, refreshKey }) {
  const [device, setDevice] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
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
  if (error) {
    return <State kind="error" onRetry={() => setTick(tick + 1)}>{errorText(error)}</State>;
  }
  if (!device) {
    return <State kind="loading">Loading {deviceId}…</State>;
  }
  const history = [...(device.trust_history || [])].reverse();
  return (
    <div className="device-detail" data-device-detail={deviceId}>
      <h3>
        {deviceId} <span className={`trust ${trustClass(device)}`} data-trust={device.trust_score}>trust {device.trust_score ?? '—'}</span>
      </h3>
      <p className="muted">
        {device.trust_source === 'chain' ? 'read from the chain now' : 'as the last on-chain event reported'} · command threshold{' '}
        {device.command_threshold ?? '—'} · last seen {time(device.last_seen)} · {device.status}
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
      <h4>Trust history</h4>
      {history.length === 0 ? (
        <State kind="empty">No trust change yet: the device is at 100.</State>
      ) : (
        <>
          <Sparkline values={[history[0].previous, ...history.map((h) => h.trust_score)]} label={`${deviceId} trust`} range={[0, 100]} width={320} />
          <table tabIndex={0} aria-label="Trust history">
            <thead>
              <tr>
                <th>time</th>
                <th>change</th>
                <th>why</th>
                <th>ledger tx</th>
              </tr>
            </thead>
            <tbody>
              {[...history].reverse().map((h, i) => (
                <tr key={i}>
                  <td>{time(h.recorded_at)}</td>
                  <td>
                    {h.previous} → {h.trust_score} ({h.delta > 0 ? '+' : ''}
                    {h.delta})
                  </td>
                  <td>{h.delta > 0 ? `${h.delta} valid heartbeat${h.delta > 1 ? 's' : ''}` : 'an attributable incident (see Alerts)'}</td>
                  <td>
                    <TxLink hash={h.tx_hash} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h4>Command</h4>
      <CommandForm api={api} deviceId={deviceId} role={role} onDecided={() => setTick(tick + 1)}
        trust={device.trust_score} threshold={device.command_threshold} />
      {(device.commands || []).length > 0 && (
        <table className="commands" tabIndex={0} aria-label="Commands">
          <thead>
            <tr>
              <th>issued</th>
              <th>action</th>
              <th>decision</th>
              <th>on-chain trust at the decision</th>
            </tr>
          </thead>
          <tbody>
            {device.commands.map((c) => (
              <tr key={c.command_id}>
                <td>{time(c.issued_at)}</td>
                <td>{c.action}</td>
                <td>{c.decision}</td>
                <td>
                  trust {c.trust_score} / threshold {c.threshold}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function trustClass(device) {
  if (device.trust_score === null || device.trust_score === undefined) {
    return '';
  }
  return device.command_threshold !== undefined && device.trust_score < device.command_threshold ? 'low' : device.trust_score < 100 ? 'mid' : 'ok';
}

export default function Devices({ api, devices, error, onRetry, role, selected, refreshKey }) {
  return (
    <section className="devices-view">
      <h2>Devices</h2>
      {error && <State kind="error" onRetry={onRetry}>{errorText(error)}</State>}
      {devices === null && !error && <State kind="loading">Loading devices…</State>}
      {devices !== null && devices.length === 0 && <State kind="empty">No devices provisioned yet (POST /api/v1/devices).</State>}
      {devices !== null && devices.length > 0 && (
        <table className="devices">
          <thead>
            <tr>
              <th>device</th>
              <th>trust (on-chain)</th>
              <th>status</th>
              <th>last seen</th>
              <th>logs</th>
              <th>security events</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.device_id} data-device-row={d.device_id} className={selected === d.device_id ? 'selected' : ''}>
                <td>
                  <a href={`#/devices/${encodeURIComponent(d.device_id)}`}>{d.device_id}</a>
                </td>
                <td data-trust={d.trust_score}>{d.trust_score ?? '—'}</td>
                <td data-status={d.status}>{d.status}</td>
                <td>{time(d.last_seen)}</td>
                <td>{d.counters.logs}</td>
                <td>{d.counters.security_events}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <DeviceDetail api={api} deviceId={selected} role={role} refreshKey={refreshKey} />}
    </section>
  );
}
