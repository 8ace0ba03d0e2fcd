import { describe, expect, it } from 'vitest';
import { connectEvents, eventsProtocols, eventsUrl } from './events.js';

class FakeSocket {
  static all = [];
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    FakeSocket.all.push(this);
  }
  close() {
    this.onclose && this.onclose();
  }
}

describe('the live feed', () => {
  it('builds a wss URL without the token for an https page; the token goes as a sub-protocol', () => {
    expect(eventsUrl({ protocol: 'https:', host: 'h:8080' }, 'secret')).toBe('wss://h:8080/ws/events');
    expect(eventsProtocols('viewer-1')).toEqual(['vigil.v1', 'bearer.viewer-1']);
    FakeSocket.all = [];
    connectEvents({ url: 'wss://x/ws/events', protocols: eventsProtocols('t'), WebSocketImpl: FakeSocket,
      onMessage: () => {}, onState: () => {}, setTimer: () => {} });
    expect(FakeSocket.all[0].url).not.toContain('t=');
    expect(FakeSocket.all[0].protocols).toEqual(['vigil.v1', 'bearer.t']);
  });

  it('delivers messages, reconnects with doubling back-off after the server goes away and says when it is back', () => {
    FakeSocket.all = [];
    const states = [];
    const messages = [];
    const timers = [];
    connectEvents({
      url: 'wss://x/ws/events?token=t', WebSocketImpl: FakeSocket, backoffMs: 500, maxBackoffMs: 2000,
      onMessage: (m) => messages.push(m), onState: (s, again) => states.push(again ? `${s}-again` : s),
      setTimer: (fn, ms) => timers.push([fn, ms]),
    });
    const first = FakeSocket.all[0];
    first.onopen();
    first.onmessage({ data: '{"type":"log","device_id":"d1"}' });
    first.onmessage({ data: 'not json' });
    expect(messages).toEqual([{ type: 'log', device_id: 'd1' }]);

    first.onclose(); // server restart
    first.onclose && timers[0][0]();
    FakeSocket.all[1].onclose();
    timers[1][0]();
    FakeSocket.all[2].onclose();
    expect(timers.map((t) => t[1])).toEqual([500, 1000, 2000]);
    timers[2][0]();
    FakeSocket.all[3].onopen();
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting',
      'reconnecting', 'reconnecting', 'live-again']);
  });

  it('stops on the server\'s refusal instead of retrying forever', () => {
    FakeSocket.all = [];
    const states = [];
    const timers = [];
    connectEvents({ url: 'u', WebSocketImpl: FakeSocket, onMessage: () => {}, onState: (s) => states.push(s),
      setTimer: (fn, ms) => timers.push(ms) });
    FakeSocket.all[0].onopen();
    FakeSocket.all[0].onmessage({ data: '{"type":"error","error":"missing or unknown token"}' });
    expect(states[states.length - 1]).toBe('refused');
    expect(timers).toEqual([]);
  });
});
