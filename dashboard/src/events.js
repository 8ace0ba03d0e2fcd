// WS /ws/events with reconnection: on close it retries with doubling back-off (to maxBackoffMs), and tells
// the app when it is live again so lists can be fetched afresh.

// The token never goes in the URL (PROTOCOL v1.1 §6): it travels as a WebSocket sub-protocol, so no log, history
// or console error shows it.
export function eventsUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/events`;
}

export function eventsProtocols(token) {
  return ['vigil.v1', `bearer.${token}`];
}

export function connectEvents({ url, protocols, onMessage, onState, WebSocketImpl = WebSocket, backoffMs = 500, maxBackoffMs = 5000, setTimer = setTimeout }) {
  let socket = null;
  let delay = backoffMs;
  let closed = false;
  let everOpen = false;

  function open() {
    onState(everOpen ? 'reconnecting' : 'connecting');
    socket = protocols ? new WebSocketImpl(url, protocols) : new WebSocketImpl(url);
    socket.onopen = () => {
      delay = backoffMs;
      onState('live', everOpen);
      everOpen = true;
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'error') {
        onState('refused');
        closed = true;
        socket.close();
        return;
      }
      onMessage(message);
    };
    socket.onclose = () => {
      if (closed) {
        return;
      }
      onState('reconnecting');
      setTimer(open, delay);
      delay = Math.min(maxBackoffMs, delay * 2);
    };
    socket.onerror = () => {
      // onclose follows
    };
  }

  open();
  return () => {
    closed = true;
    if (socket) {
      socket.close();
    }
  };
}
