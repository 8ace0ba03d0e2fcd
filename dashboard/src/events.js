// WS /ws/events with reconnection: on close it retries with doubling back-off (to maxBackoffMs), and tells
// the app when it is live again so lists can be fetched afresh.

export function eventsUrl(location, token) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/events?token=${encodeURIComponent(token)}`;
}

export function connectEvents({ url, onMessage, onState, WebSocketImpl = WebSocket, backoffMs = 500, maxBackoffMs = 5000, setTimer = setTimeout }) {
  let socket = null;
  let delay = backoffMs;
  let closed = false;
  let everOpen = false;

  function open() {
    onState(everOpen ? 'reconnecting' : 'connecting');
    socket = new WebSocketImpl(url);
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
