// Trust-gated commands (PROTOCOL §2): a known action with its parameters, a confirmation that says what will be
// signed and sent, a disabled form that says why, and the device's command history with decision and delivery.
import { useState } from 'react';
import { atLeast } from './api.js';
import { State, time, errorText, Head } from './components.jsx';

// Actions the demo firmware knows, with their parameters; "other" sends any action matching the pattern.
export const KNOWN_ACTIONS = {
  reboot: { what: 'restart the device', params: [] },
  identify: { what: 'blink the LED', params: [['duration_s', 'seconds', 10, 1, 600]] },
  sync_time: { what: 'set the clock from NTP now', params: [] },
  set_interval: { what: 'change the publish period', params: [['interval_s', 'seconds', 5, 1, 3600]] },
  rotate_key: { what: 'generate a new key pair (provision the new key after)', params: [] },
};

const DELIVERY = {
  accepted_by_broker: 'accepted by the broker (QoS 1)',
  not_sent: 'not sent',
  pending: 'pending',
};

export function CommandHistory({ commands }) {
  if (commands.length === 0) {
    return <State kind="empty">No command sent to this device yet.</State>;
  }
  return (
    <div className="table-scroll">
      <table className="commands" tabIndex={0} aria-label="Command history">
        <Head columns={['issued', 'action', 'params', 'decision', 'delivery', 'on-chain trust at the decision']} />
        <tbody>
          {commands.map((c) => (
            <tr key={c.command_id} data-command={c.command_id} data-decision={c.decision}>
              <td>{time(c.issued_at)}</td>
              <td>{c.action}</td>
              <td><code>{JSON.stringify(c.params ?? {})}</code></td>
              <td className={`decision-${c.decision}`}>{c.decision === 'published' ? '✓ published' : '✕ refused'}</td>
              <td>{DELIVERY[c.delivery] || c.delivery || '—'}</td>
              <td>trust {c.trust_score} / threshold {c.threshold}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CommandForm({ api, deviceId, role, onDecided, trust, threshold, commands = [] }) {
  const belowThreshold = trust !== undefined && trust !== null && threshold !== undefined && threshold !== null
    && trust < threshold;
  const [action, setAction] = useState('reboot');
  const [other, setOther] = useState('');
  const [values, setValues] = useState({});
  const [raw, setRaw] = useState('{}');
  const [confirming, setConfirming] = useState(null);
  const [decision, setDecision] = useState(null);
  const [busy, setBusy] = useState(false);
  const [override, setOverride] = useState(false);
  if (!atLeast(role, 'operator')) {
    return (
      <>
        <p className="muted" data-command-form="disabled">
          Commands need an operator token; you are signed in as {role}.
        </p>
        <CommandHistory commands={commands} />
      </>
    );
  }
  const known = KNOWN_ACTIONS[action];

  function request() {
    if (!known) {
      if (!/^[a-z][a-z0-9_]{0,31}$/.test(other)) {
        throw new Error('the action is lower case letters, digits and _, starting with a letter (up to 32)');
      }
      let params;
      try {
        params = JSON.parse(raw || '{}');
      } catch {
        throw new Error('params must be a JSON object');
      }
      if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        throw new Error('params must be a JSON object');
      }
      return { action: other, params };
    }
    const params = {};
    for (const [name, , fallback] of known.params) {
      params[name] = Number(values[name] ?? fallback);
    }
    return { action, params };
  }

  async function send(body) {
    setBusy(true);
    try {
      const answer = await api.post(`/devices/${encodeURIComponent(deviceId)}/commands`, body);
      setDecision({ kind: 'published', text: `Published ${answer.command_id} on ${answer.topic} (trust ${answer.trust_score} ≥ threshold ${answer.threshold}).` });
    } catch (e) {
      if (e.status === 403 && e.detail && e.detail.trust_score !== undefined) {
        setDecision({ kind: 'refused', text: `Refused: trust ${e.detail.trust_score} is below the threshold ${e.detail.threshold}. Nothing was published.` });
      } else {
        setDecision({ kind: 'error', text: errorText(e) });
      }
    } finally {
      setBusy(false);
      setConfirming(null);
      onDecided();
    }
  }

  return (
    <>
      <form className="command" data-command-form="enabled" onSubmit={(e) => {
        e.preventDefault();
        try {
          setDecision(null);
          setConfirming(request());
        } catch (err) {
          setDecision({ kind: 'error', text: err.message });
        }
      }}>
        {belowThreshold && (
          <div className="warning" data-below-threshold>
            <p id="below-reason">
              ⚠ Sending is off: trust {trust} is below the command threshold {threshold}, so the server will refuse
              unless the chain says otherwise when it decides.
            </p>
            <label className="inline">
              <input type="checkbox" name="override" checked={override} onChange={(e) => setOverride(e.target.checked)} />
              Ask the server anyway (the refusal is recorded)
            </label>
          </div>
        )}
        <label>
          Action
          <select name="action" value={action} onChange={(e) => { setAction(e.target.value); setConfirming(null); }}>
            {Object.entries(KNOWN_ACTIONS).map(([a, { what }]) => <option key={a} value={a}>{a} — {what}</option>)}
            <option value="other">other…</option>
          </select>
        </label>
        {known && known.params.map(([name, unit, fallback, min, max]) => (
          <label key={name}>
            {name.replace('_s', '')} ({unit})
            <input name={name} type="number" min={min} max={max} value={values[name] ?? fallback}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })} required />
          </label>
        ))}
        {!known && (
          <>
            <label>
              Action name
              <input name="other" value={other} onChange={(e) => setOther(e.target.value)} pattern="[a-z][a-z0-9_]{0,31}"
                title="lower case letters, digits and _, starting with a letter (up to 32)" required />
            </label>
            <label>
              Params (JSON object)
              <textarea name="params" rows={3} value={raw} onChange={(e) => setRaw(e.target.value)} spellCheck={false} />
            </label>
          </>
        )}
        <button type="submit" disabled={busy || confirming !== null || (belowThreshold && !override)}
          aria-describedby={belowThreshold ? 'below-reason' : undefined}>
          Send command…
        </button>
      </form>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" data-confirm>
          <p id="confirm-title">
            Send <strong>{confirming.action}</strong> with <code>{JSON.stringify(confirming.params)}</code> to{' '}
            <strong>{deviceId}</strong>? The server signs it with its command key and publishes it on{' '}
            <code>iot/cmd/{deviceId}</code> only if the device's on-chain trust is at least the threshold.
          </p>
          <button type="button" className="primary" disabled={busy} onClick={() => send(confirming)} data-confirm-send autoFocus>
            {busy ? 'Deciding…' : `Yes, send ${confirming.action}`}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setConfirming(null)}>Cancel</button>
        </div>
      )}
      {decision && (
        <p className={`decision decision-${decision.kind}`} role="status" data-decision={decision.kind}>
          {decision.text}
        </p>
      )}
      <h4>History</h4>
      <CommandHistory commands={commands} />
    </>
  );
}
