import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApi } from './api.js';
import { connectEvents, eventsProtocols, eventsUrl } from './events.js';
import Login from './Login.jsx';
import Live from './Live.jsx';
import Alerts, { mergeAlert } from './Alerts.jsx';
import Devices from './Devices.jsx';
import Proofs from './Proofs.jsx';
import Transaction from './Transaction.jsx';

export function parseRoute(hash) {
  const parts = (hash || '').replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = parts[0] || 'live';
  return { view, args: parts.slice(1) };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

const MAX_LOGS = 500;

function effectiveTheme() {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'dark' || chosen === 'light') {
    return chosen;
  }
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// The header's toggle: the other theme than the one shown, remembered in this browser.
function ThemeToggle() {
  const [theme, setTheme] = useState(effectiveTheme);
  const other = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="theme" data-theme-toggle={theme} aria-label={`Switch to the ${other} theme`}
      onClick={() => {
        document.documentElement.dataset.theme = other;
        localStorage.setItem('vigil.theme', other);
        setTheme(other);
      }}>
      {other === 'dark' ? '☾ Dark' : '☀ Light'}
    </button>
  );
}

function Dashboard({ token, role, onSignOut }) {
  const api = useMemo(() => createApi(token), [token]);
  const route = useRoute();
  const [stats, setStats] = useState(null);
  const [logs, setLogs] = useState(null);
  const [alerts, setAlerts] = useState(null);
  const [devices, setDevices] = useState(null);
  const [errors, setErrors] = useState({});
  const [connection, setConnection] = useState('connecting');
  const [refreshKey, setRefreshKey] = useState(0);
  const statsTimer = useRef(null);

  const load = useCallback(
    (what, path, set) =>
      api.get(path).then(
        (data) => {
          set(data);
          setErrors((e) => ({ ...e, [what]: null }));
        },
        (error) => setErrors((e) => ({ ...e, [what]: error })),
      ),
    [api],
  );
  const loadAll = useCallback(() => {
    load('stats', '/stats', setStats);
    load('logs', '/logs?limit=300', setLogs);
    load('alerts', '/alerts?limit=200', setAlerts);
    load('devices', '/devices', setDevices);
    setRefreshKey((k) => k + 1);
  }, [load]);

  const refreshStatsSoon = useCallback(() => {
    if (!statsTimer.current) {
      statsTimer.current = setTimeout(() => {
        statsTimer.current = null;
        load('stats', '/stats', setStats);
      }, 1000);
    }
  }, [load]);

  useEffect(() => {
    loadAll();
    const every = setInterval(() => load('stats', '/stats', setStats), 5000);
    // The fleet list's last seen and status age by themselves: refresh it while the page is open.
    const fleet = setInterval(() => load('devices', '/devices', setDevices), 10000);
    return () => {
      clearInterval(every);
      clearInterval(fleet);
    };
  }, [loadAll, load]);

  useEffect(() => {
    const onMessage = (m) => {
      if (m.type === 'log') {
        setLogs((current) => [{ ...m, type: m.packet_type }, ...(current || [])].slice(0, MAX_LOGS));
      } else if (m.type === 'alert') {
        setAlerts((current) => mergeAlert(current, m));
      } else if (m.type === 'incident' && m.alert_id !== null) {
        setAlerts((current) => (current || []).map((a) => (a.id === m.alert_id ? { ...a, tx_hash: m.tx_hash } : a)));
      } else if (m.type === 'trust') {
        setDevices((current) => (current || []).map((d) => (d.device_id === m.device_id ? { ...d, trust_score: m.trust_score } : d)));
        setRefreshKey((k) => k + 1);
      }
      refreshStatsSoon();
    };
    const onState = (state, reconnected) => {
      setConnection(state);
      if (state === 'live' && reconnected) {
        loadAll(); // back after a server restart: what happened meanwhile comes from the API
      }
    };
    return connectEvents({ url: eventsUrl(window.location), protocols: eventsProtocols(token), onMessage, onState });
  }, [token, loadAll, refreshStatsSoon]);

  const nav = [
    ['live', 'Live'],
    ['alerts', 'Alerts'],
    ['devices', 'Devices'],
    ['proofs', 'Proofs'],
  ];
  let view;
  switch (route.view) {
    case 'alerts':
      view = <Alerts alerts={alerts} error={errors.alerts} onRetry={loadAll} />;
      break;
    case 'devices':
      view = (
        <Devices api={api} devices={devices} error={errors.devices} onRetry={loadAll} role={role} selected={route.args[0]} refreshKey={refreshKey} />
      );
      break;
    case 'proofs':
      view = <Proofs api={api} device={route.args[0]} sequence={route.args[1]} />;
      break;
    case 'tx':
      view = <Transaction api={api} hash={route.args[0]} />;
      break;
    case 'live':
      view = <Live stats={stats} logs={logs} error={errors.logs} onRetry={loadAll} />;
      break;
    default:
      view = (
        <section className="not-found" data-view="not-found">
          <h2>No such view</h2>
          <p>
            There is no view <code>#/{route.view}</code>. Go to <a href="#/live">Live</a>, <a href="#/alerts">Alerts</a>,{' '}
            <a href="#/devices">Devices</a> or <a href="#/proofs">Proofs</a>.
          </p>
        </section>
      );
  }
  const viewName = (nav.find(([id]) => id === route.view) || [null, route.view === 'tx' ? 'Transaction' : 'Not found'])[1];
  const openAlerts = alerts ? alerts.length : 0;
  useEffect(() => {
    document.title = `${viewName}${openAlerts ? ` (${openAlerts} alerts)` : ''} · Vigil`;
  }, [viewName, openAlerts]);
  return (
    <div className="app">
      <header>
        <h1 className="brand">Vigil</h1>
        <nav aria-label="Views">
          {nav.map(([id, label]) => (
            <a key={id} href={`#/${id}`} className={route.view === id ? 'active' : ''}
              aria-current={route.view === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span className={`connection connection-${connection}`} data-connection={connection} role="status" aria-live="polite">
          {connection === 'live' ? '● live' : connection === 'refused' ? '✕ feed refused' : `○ ${connection}…`}
        </span>
        <span className="role" data-role={role}>
          {role}
        </span>
        <ThemeToggle />
        <button type="button" data-sign-out onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>{view}</main>
    </div>
  );
}

export default function App() {
  const [session, setSession] = useState(() => {
    const saved = sessionStorage.getItem('vigil.session');
    return saved ? JSON.parse(saved) : null;
  });
  if (!session) {
    return (
      <Login
        onSignedIn={(token, role) => {
          const s = { token, role };
          sessionStorage.setItem('vigil.session', JSON.stringify(s));
          setSession(s);
        }}
      />
    );
  }
  return (
    <Dashboard
      token={session.token}
      role={session.role}
      onSignOut={() => {
        sessionStorage.removeItem('vigil.session');
        setSession(null);
      }}
    />
  );
}
