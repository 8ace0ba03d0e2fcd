import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Alerts, { applyState, matches, mergeAlert, parseFilter } from './Alerts.jsx';
import Live, { rates, sequence } from './Live.jsx';
import Devices, { selectDevices } from './Devices.jsx';
import { CommandForm } from './Commands.jsx';
import { trustLine } from './DevicePage.jsx';
import { parseRoute } from './App.jsx';
import Login from './Login.jsx';
import { ApiError } from './api.js';
import { ago, duration } from './components.jsx';

afterEach(cleanup);

const alert = { id: 'sec-7', source: 'security', kind: 'bad_signature', device_id: 'sim-0001', detail: 'signature does not verify',
  confidence: null, observed_at: 1795000000000, last_observed_at: 1795000000000, tx_hash: `0x${'ab'.repeat(32)}`,
  count: 1, attributable: false, severity: 'low', state: 'open' };

// An API that answers GET /alerts with one page and records what was asked.
function alertsApi(items, next = null) {
  const asked = [];
  return {
    asked,
    get: async (path) => {
      asked.push(path);
      return { items, next_cursor: next };
    },
    post: async (path, body) => {
      asked.push([path, body]);
      return { id: 'sec-7', state: 'acknowledged', state_by: 'operator', state_role: 'operator', state_at: 1, actions: [] };
    },
  };
}

describe('alerts', () => {
  it('asks the server for open alerts by default and shows severity, kind, device link and the ledger tx', async () => {
    const api = alertsApi([alert, { ...alert, id: 'sec-8', tx_hash: null }]);
    render(<Alerts api={api} role="viewer" feed={[]} query="" />);
    await waitFor(() => expect(screen.getAllByText('bad_signature', { selector: 'td' })).toHaveLength(2));
    expect(api.asked[0]).toBe('/alerts?state=open&limit=50');
    expect(screen.getByText(/^0xabababab/).getAttribute('href')).toBe(`#/tx/0x${'ab'.repeat(32)}`);
    expect(screen.getAllByText('● low')).toHaveLength(2);
    expect(screen.getAllByText('sim-0001')[0].getAttribute('href')).toBe('#/devices/sim-0001');
    expect(screen.queryByText('Acknowledge')).toBeNull();
  });

  it('sends its filters to the server and offers the older page', async () => {
    const api = alertsApi([alert], 'next-1');
    render(<Alerts api={api} role="viewer" feed={[]} query="severity=high&state=open" />);
    await waitFor(() => expect(screen.getByText('Show 50 older')).toBeTruthy());
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'rate' } });
    await waitFor(() => expect(api.asked).toContain('/alerts?kind=rate&severity=high&state=open&limit=50'));
    // The filtered page may still be on its way: click until the older page is asked for (a click while the list
    // reloads may be dropped; only what was asked last counts).
    await waitFor(() => {
      fireEvent.click(screen.getByText('Show 50 older'));
      expect(api.asked.at(-1)).toBe('/alerts?kind=rate&severity=high&state=open&limit=50&cursor=next-1');
    });
  });

  it('lets an operator acknowledge, and the row shows the new state', async () => {
    const api = alertsApi([alert]);
    render(<Alerts api={api} role="operator" feed={[]} query="state=" />);
    await waitFor(() => expect(screen.getByText('Acknowledge')).toBeTruthy());
    fireEvent.click(screen.getByText('Acknowledge'));
    await waitFor(() => expect(document.querySelector('[data-alert="sec-7"]').dataset.alertState).toBe('acknowledged'));
    expect(api.asked[1]).toEqual(['/alerts/sec-7/actions', { action: 'acknowledge', by: 'operator' }]);
  });

  it('shows a flood as one incident with its count, whatever order its live messages come in', async () => {
    let list = [];
    for (let n = 1; n <= 40; n++) {
      list = mergeAlert(list, { type: 'alert', id: 'sec-9', source: 'security', kind: 'rate', device_id: 'sim-0003',
        detail: 'over 20 packets/s', observed_at: 1795000000000 + n * 300, count: n, attributable: true });
    }
    list = mergeAlert(list, { type: 'alert', id: 'sec-9', kind: 'rate', count: 12, observed_at: 1795000000050 });
    expect(list).toHaveLength(1);
    expect(list[0].count).toBe(40);
    expect(list[0].severity).toBe('high');
    render(<Alerts api={alertsApi(list)} role="viewer" feed={[]} query="" />);
    await waitFor(() => expect(screen.getByText('×40')).toBeTruthy());
    expect(screen.getAllByText('rate', { selector: 'td' })).toHaveLength(1);
    expect(screen.getByText('over 12 s')).toBeTruthy();
    expect(screen.getByText('−20 trust')).toBeTruthy();
  });

  it('adds live alerts that match the filter and applies state changes from other operators', async () => {
    const api = alertsApi([alert]);
    const { rerender } = render(<Alerts api={api} role="viewer" feed={[]} query="state=" />);
    await waitFor(() => expect(document.querySelector('[data-alert="sec-7"]')).toBeTruthy());
    const feed = [
      { seq: 1, type: 'alert', id: 'ml-4', source: 'ml', kind: 'ml_anomaly', device_id: 'sim-0002', detail: 'random forest 0.97',
        confidence: 0.97, observed_at: Date.now(), count: 1, severity: 'high', state: 'open' },
      { seq: 2, type: 'alert_state', alert_id: 'sec-7', state: 'resolved', state_by: 'Ada', state_role: 'operator', state_at: 5 },
    ];
    rerender(<Alerts api={api} role="viewer" feed={feed} query="state=" />);
    await waitFor(() => expect(document.querySelector('[data-alert="ml-4"]')).toBeTruthy());
    expect(document.querySelector('[data-alert="sec-7"]').dataset.alertState).toBe('resolved');
    expect(screen.getByText('by Ada')).toBeTruthy();
  });

  it('decides membership and parses filters as the server does', () => {
    expect(parseFilter('')).toMatchObject({ state: 'open', severity: '' });
    expect(matches({ ...alert, severity: 'high' }, parseFilter('severity=high'))).toBe(true);
    expect(matches(alert, parseFilter('severity=high'))).toBe(false);
    expect(matches({ ...alert, state: 'resolved' }, parseFilter(''))).toBe(false);
    expect(applyState([alert], { alert_id: 'sec-7', state: 'acknowledged' })[0].state).toBe('acknowledged');
  });

  it('has designed loading, empty and error states', async () => {
    const failing = { get: async () => { throw new ApiError(0, { error: 'the server cannot be reached' }); } };
    render(<Alerts api={failing} role="viewer" feed={[]} query="" />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/cannot be reached/));
    expect(screen.getByText('Retry')).toBeTruthy();
    cleanup();
    render(<Alerts api={alertsApi([])} role="viewer" feed={[]} query="" />);
    await waitFor(() => expect(screen.getByText('No alert matches this filter.')).toBeTruthy());
  });
});

describe('live', () => {
  it('groups the counters, shows rates between readings and a failing /stats', () => {
    const stats = { received: 3, stored: 2, security_events: { rate: 1 } };
    const { container, rerender } = render(<Live stats={stats} logs={[]} />);
    expect(container.querySelector('[data-counter="rate"] .value').textContent).toBe('1');
    expect(screen.getByText('Ingest')).toBeTruthy();
    rerender(<Live stats={stats} statsError={new ApiError(503, { error: 'database unavailable' })} logs={[]} />);
    expect(screen.getByRole('alert').textContent).toMatch(/could not be refreshed: database unavailable/);
    expect(rates({ at: 0, stats: { received: 0, security_events: {} } }, { at: 2000, stats: { received: 100, security_events: { rate: 4 } } }))
      .toMatchObject({ received: 50, security_events: 2 });
  });

  it('lists the newest logs with units, readable sequence numbers and device links', () => {
    const log = (seq, label) => ({ device_id: 'sim-0001', sequence_no: seq, type: 'telemetry', timestamp: 1, battery_level: 90,
      cpu_usage: 12, sensors: { temperature: 20 }, label, score: label ? 0.97 : null });
    const { container } = render(<Live stats={{}} logs={[log(1733456789012, 'anomalous'), log(2, null)]} />);
    expect(container.querySelectorAll('tr[data-log]')).toHaveLength(2);
    expect(container.querySelector('td.num').textContent).toBe(sequence(1733456789012));
    expect(sequence(1733456789012)).toBe('1\u2009733\u2009456\u2009789\u2009012');
    expect(screen.getAllByText('20 °C')).toHaveLength(2);
    expect(screen.getByText('⚠ anomalous (97 %)')).toBeTruthy();
  });
});

describe('devices', () => {
  const now = 1795000000000;
  const fleet = [
    { device_id: 'sim-0002', trust_score: 40, status: 'active', last_seen: now - 5000, counters: { logs: 5, security_events: 2, ml_alerts: 0 } },
    { device_id: 'sim-0001', trust_score: 100, status: 'silent', last_seen: now - 600_000, counters: { logs: 9, security_events: 0, ml_alerts: 1 } },
    { device_id: 'lab-0003', trust_score: 90, status: 'never_seen', last_seen: null, counters: { logs: 0, security_events: 0, ml_alerts: 0 } },
  ];

  it('sorts, filters and searches', () => {
    expect(selectDevices(fleet, {}).map((d) => d.device_id)).toEqual(['lab-0003', 'sim-0001', 'sim-0002']);
    expect(selectDevices(fleet, { sort: 'trust_score' }).map((d) => d.device_id)).toEqual(['sim-0002', 'lab-0003', 'sim-0001']);
    expect(selectDevices(fleet, { show: 'below_threshold' }).map((d) => d.device_id)).toEqual(['sim-0002']);
    expect(selectDevices(fleet, { show: 'silent' }).map((d) => d.device_id)).toEqual(['sim-0001']);
    expect(selectDevices(fleet, { text: 'sim' })).toHaveLength(2);
  });

  it('draws the table with trust bands in words, last seen as an age, and sorts on a header click', () => {
    const { container } = render(<Devices devices={fleet} now={now} />);
    expect(screen.getByText('40 · below threshold')).toBeTruthy();
    expect(screen.getByText('10 min ago')).toBeTruthy();
    fireEvent.click(container.querySelector('[data-sort="trust_score"]'));
    expect([...container.querySelectorAll('[data-device-row]')].map((r) => r.dataset.deviceRow)).toEqual(['sim-0001', 'lab-0003', 'sim-0002']);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'lab' } });
    expect(screen.getByText('1 of 3 devices')).toBeTruthy();
  });

  it('draws trust as a step line from the value before the range', () => {
    expect(trustLine([{ t: 0, trust_score: 60 }, { t: 5, trust_score: 40, delta: -20 }], 0, 10)).toEqual({ t: [0, 5, 10], v: [60, 40, 40] });
    expect(trustLine([{ t: 0, trust_score: null }], 0, 10)).toEqual({ t: [0, 10], v: [100, 100] });
  });
});

describe('commands', () => {
  it('are not offered to a viewer', () => {
    const { container } = render(<CommandForm api={{}} deviceId="d" role="viewer" onDecided={() => {}} />);
    expect(container.querySelector('[data-command-form="disabled"]')).toBeTruthy();
    expect(container.querySelector('button')).toBeNull();
  });

  it('confirm before sending and show a refusal with the on-chain score and the threshold', async () => {
    const api = { post: async () => { throw new ApiError(403, { error: 'device trust is below the command threshold', detail: { trust_score: 40, threshold: 50 } }); } };
    render(<CommandForm api={api} deviceId="d" role="operator" onDecided={() => {}} />);
    fireEvent.click(screen.getByText('Send command…'));
    expect(screen.getByRole('alertdialog').textContent).toMatch(/Send reboot with \{\} to d\?/);
    fireEvent.click(screen.getByText('Yes, send reboot'));
    await waitFor(() => expect(document.querySelector('[data-decision]').textContent).toMatch(/trust 40 is below the threshold 50/));
  });

  it('send a known action with its parameters from the form', async () => {
    const sent = [];
    const api = { post: async (path, body) => { sent.push([path, body]); return { command_id: 'c-1', topic: 'iot/cmd/d', trust_score: 90, threshold: 50 }; } };
    render(<CommandForm api={api} deviceId="d" role="admin" onDecided={() => {}} />);
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'set_interval' } });
    fireEvent.change(screen.getByLabelText('interval (seconds)'), { target: { value: '30' } });
    fireEvent.click(screen.getByText('Send command…'));
    fireEvent.click(screen.getByText('Yes, send set_interval'));
    await waitFor(() => expect(document.querySelector('[data-decision]').textContent).toMatch(/Published c-1 on iot\/cmd\/d/));
    expect(sent).toEqual([['/devices/d/commands', { action: 'set_interval', params: { interval_s: 30 } }]]);
  });

  it('is off with its reason when the trust it knows is below the threshold, until asked anyway', () => {
    render(<CommandForm api={{}} deviceId="d" role="operator" onDecided={() => {}} trust={40} threshold={50} />);
    expect(screen.getByText(/trust 40 is below the command threshold 50/)).toBeTruthy();
    expect(screen.getByText('Send command…').disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/Ask the server anyway/));
    expect(screen.getByText('Send command…').disabled).toBe(false);
  });

  it('shows the history with decision and delivery', () => {
    const commands = [{ command_id: 'c-1', action: 'reboot', params: { delay_s: 5 }, issued_at: 1, decision: 'published', delivery: 'accepted_by_broker', trust_score: 90, threshold: 50 },
      { command_id: 'c-2', action: 'reboot', params: {}, issued_at: 2, decision: 'refused', delivery: 'not_sent', trust_score: 40, threshold: 50 }];
    render(<CommandForm api={{}} deviceId="d" role="viewer" onDecided={() => {}} commands={commands} />);
    expect(screen.getByText('accepted by the broker (QoS 1)')).toBeTruthy();
    expect(screen.getByText('✕ refused')).toBeTruthy();
    expect(screen.getByText('{"delay_s":5}')).toBeTruthy();
  });
});

describe('routes and words', () => {
  it('parses a view, its arguments and its query', () => {
    expect(parseRoute('')).toEqual({ view: 'overview', args: [], query: '' });
    expect(parseRoute('#/devices/sim-0001')).toEqual({ view: 'devices', args: ['sim-0001'], query: '' });
    expect(parseRoute('#/alerts?state=open&severity=high')).toEqual({ view: 'alerts', args: [], query: 'state=open&severity=high' });
  });

  it('says ages and durations in words', () => {
    expect(ago(null)).toBe('never');
    expect(ago(0, 42_000)).toBe('42 s ago');
    expect(ago(0, 7200_000)).toBe('2 h ago');
    expect(duration(11_700)).toBe('12 s');
    expect(duration(4500)).toBe('4.5 s');
    expect(duration(185_000)).toBe('3 min 5 s');
  });
});

describe('login', () => {
  it('refuses an unknown token and signs in with a known one', async () => {
    const fetchImpl = async (url, options) => ({
      ok: options.headers.Authorization === 'Bearer good',
      status: options.headers.Authorization === 'Bearer good' ? 200 : 401,
      text: async () => (options.headers.Authorization === 'Bearer good' ? '{"role":"operator"}' : '{"error":"missing or unknown bearer token"}'),
    });
    const signedIn = [];
    render(<Login fetchImpl={fetchImpl} onSignedIn={(t, r) => signedIn.push([t, r])} />);
    fireEvent.change(screen.getByLabelText('Token'), { target: { value: 'bad' } });
    fireEvent.click(screen.getByText('Sign in'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Unknown token.'));
    fireEvent.change(screen.getByLabelText('Token'), { target: { value: 'good' } });
    fireEvent.click(screen.getByText('Sign in'));
    await waitFor(() => expect(signedIn).toEqual([['good', 'operator']]));
  });
});
