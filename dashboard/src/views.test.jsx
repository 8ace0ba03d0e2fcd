import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Alerts, { filterAlerts, mergeAlert } from './Alerts.jsx';
import Live from './Live.jsx';
import { CommandForm } from './Devices.jsx';
import Login from './Login.jsx';
import { ApiError } from './api.js';

afterEach(cleanup);

const alert = { id: 'sec-7', source: 'security', kind: 'bad_signature', device_id: 'sim-0001', detail: 'signature does not verify',
  confidence: 1, observed_at: 1795000000000, tx_hash: `0x${'ab'.repeat(32)}` };

describe('alerts', () => {
  it('shows kind, device, confidence and the ledger tx as a link to the transaction view', () => {
    render(<Alerts alerts={[alert, { ...alert, id: 'sec-8', tx_hash: null }]} />);
    const link = screen.getByText(/^0xabababab/);
    expect(link.getAttribute('href')).toBe(`#/tx/0x${'ab'.repeat(32)}`);
    expect(screen.getAllByText('bad_signature', { selector: 'td' })).toHaveLength(2);
    expect(screen.getAllByText('100%')).toHaveLength(2);
    expect(screen.getByText('pending')).toBeTruthy();
  });

  it('shows an ML alert with its confidence and the model that decided', () => {
    const ml = { id: 'ml-3', source: 'ml', kind: 'ml_anomaly', device_id: 'sim-0002', detail: 'random forest 0.97; temperature 95.0',
      confidence: 0.97, model: 'random-forest-v1@ca641c87546b', observed_at: 1795000000000, tx_hash: null };
    render(<Alerts alerts={[ml]} />);
    expect(screen.getByText('97%')).toBeTruthy();
    expect(screen.getByText('ml_anomaly', { selector: 'td' })).toBeTruthy();
    expect(screen.getByText('model random-forest-v1@ca641c87546b')).toBeTruthy();
  });

  it('shows a flood as one incident with its count, whatever order its live messages come in', () => {
    let list = [];
    for (let n = 1; n <= 40; n++) {
      list = mergeAlert(list, { type: 'alert', id: 'sec-9', source: 'security', kind: 'rate', device_id: 'sim-0003',
        detail: 'over 20 packets/s', confidence: 1, observed_at: 1795000000000 + n, count: n, attributable: true });
    }
    list = mergeAlert(list, { type: 'alert', id: 'sec-9', kind: 'rate', count: 12, observed_at: 1795000000050 });
    expect(list).toHaveLength(1);
    expect(list[0].count).toBe(40);
    render(<Alerts alerts={list} />);
    expect(screen.getAllByText('rate', { selector: 'td' })).toHaveLength(1);
    expect(screen.getByText('×40')).toBeTruthy();
    expect(screen.getByText('−20', { exact: false })).toBeTruthy();
  });

  it('filters by source, kind and device or detail, and says how many it shows', () => {
    const list = [alert, { ...alert, id: 'sec-8', kind: 'rate', device_id: 'sim-0003', detail: 'over the rate' },
      { ...alert, id: 'ml-1', source: 'ml', kind: 'ml_anomaly', device_id: 'sim-0003', detail: 'random forest 0.97' }];
    expect(filterAlerts(list, { source: 'ml' }).map((a) => a.id)).toEqual(['ml-1']);
    expect(filterAlerts(list, { kind: 'rate' }).map((a) => a.id)).toEqual(['sec-8']);
    expect(filterAlerts(list, { text: 'SIM-0003' }).map((a) => a.id)).toEqual(['sec-8', 'ml-1']);
    expect(filterAlerts(list, { text: 'forest' }).map((a) => a.id)).toEqual(['ml-1']);
    render(<Alerts alerts={list} />);
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'rate' } });
    expect(screen.getByText('1 of 3 shown (the newest 3 loaded)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Device or detail'), { target: { value: 'nobody' } });
    expect(screen.getByText('No alert matches this filter.')).toBeTruthy();
  });

  it('has designed loading, empty and error states', () => {
    const { rerender } = render(<Alerts alerts={null} />);
    expect(screen.getByRole('status').textContent).toMatch(/Loading alerts/);
    rerender(<Alerts alerts={[]} />);
    expect(screen.getByRole('status').textContent).toMatch(/No alerts/);
    rerender(<Alerts alerts={null} error={new ApiError(0, { error: 'the server cannot be reached' })} onRetry={() => {}} />);
    expect(screen.getByRole('alert').textContent).toMatch(/cannot be reached/);
    expect(screen.getByText('Retry')).toBeTruthy();
  });
});

describe('live', () => {
  it('draws a chart per device with the anomalous logs marked', () => {
    const log = (seq, label) => ({ device_id: 'sim-0001', sequence_no: seq, type: 'telemetry', timestamp: 1, battery_level: 90,
      sensors: { temperature: 20 + seq }, label, score: label ? 0.97 : null });
    const { container } = render(<Live stats={{ received: 3, security_events: { rate: 1 } }} logs={[log(3, 'anomalous'), log(2, null), log(1, 'normal')]} />);
    expect(container.querySelectorAll('figure.chart')).toHaveLength(1);
    expect(container.querySelectorAll('[data-anomaly]')).toHaveLength(1);
    expect(container.querySelector('[data-counter="rate"] .value').textContent).toBe('1');
    expect(container.querySelectorAll('tr[data-log]')).toHaveLength(3);
  });
});

describe('commands', () => {
  it('are not offered to a viewer', () => {
    const { container } = render(<CommandForm api={{}} deviceId="d" role="viewer" onDecided={() => {}} />);
    expect(container.querySelector('[data-command-form="disabled"]')).toBeTruthy();
    expect(container.querySelector('button')).toBeNull();
  });

  it('show a refusal with the on-chain score and the threshold', async () => {
    const api = { post: async () => { throw new ApiError(403, { error: 'device trust is below the command threshold', detail: { trust_score: 40, threshold: 50 } }); } };
    render(<CommandForm api={api} deviceId="d" role="operator" onDecided={() => {}} />);
    fireEvent.click(screen.getByText('Send command'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/trust 40 is below the threshold 50/));
  });

  it('show a published command with its id and topic', async () => {
    const sent = [];
    const api = { post: async (path, body) => { sent.push([path, body]); return { command_id: 'c-1', topic: 'iot/cmd/d', trust_score: 90, threshold: 50 }; } };
    render(<CommandForm api={api} deviceId="d" role="admin" onDecided={() => {}} />);
    fireEvent.change(screen.getByLabelText('Params (JSON object)'), { target: { value: '{"delay_s":5}' } });
    fireEvent.click(screen.getByText('Send command'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Published c-1 on iot\/cmd\/d/));
    expect(sent).toEqual([['/devices/d/commands', { action: 'reboot', params: { delay_s: 5 } }]]);
  });

  it('warns before sending when the trust it knows is below the threshold, and offers the known actions', () => {
    const { container } = render(<CommandForm api={{}} deviceId="d" role="operator" onDecided={() => {}} trust={40} threshold={50} />);
    expect(screen.getByText(/Trust 40 is below the threshold 50/)).toBeTruthy();
    expect([...container.querySelectorAll('#known-actions option')].map((o) => o.value)).toContain('reboot');
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
