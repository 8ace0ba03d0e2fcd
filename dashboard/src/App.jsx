import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApi } from './api.js';
import { connectEvents, eventsProtocols, eventsUrl } from './events.js';
import Login from './Login.jsx';
import Live from './Live.jsx';
import Alerts, { AlertDetail } from './Alerts.jsx';
import Devices from './Devices.jsx';
import DevicePage from './DevicePage.jsx';
import Overview from './Overview.jsx';
import Batch, { Batches } from './Batch.jsx';
import Proofs from './Proofs.jsx';
import Transaction from './Transaction.jsx';

export function parseRoute(hash) {
  const [path, query = ''] = (hash || '').replace(/^#\/?/, '').split('?');
  const parts = path.split('/').map(decodeURIComponent);
  const view = parts[0] || 'overview';
  return { view, args: parts.slice(1).filter((a) => a !== ''), query };
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
const MAX_FEED = 500;

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
  const [feed, setFeed] = useState([]);
  const [openAlerts, setOpenAlerts] = useState(0);
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
    load('logs', '/logs?limit=300', (page) => setLogs(page.items));
    load('devices', '/devices?limit=1000', (page) => setDevices(page.items));
    load('overview', '/overview?points=1', (o) => setOpenAlerts(o.open_alerts.high + o.open_alerts.medium + o.open_alerts.low));
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
    const fleet = setInterval(() => {
      load('devices', '/devices?limit=1000', (page) => setDevices(page.items));
      load('overview', '/overview?points=1', (o) => setOpenAlerts(o.open_alerts.high + o.open_alerts.medium + o.open_alerts.low));
    }, 10000);
    return () => {
      clearInterval(every);
      clearInterval(fleet);
    };
  }, [loadAll, load]);

  const feedSeq = useRef(0);
  const seenAlerts = useRef(new Set());
  useEffect(() => {
    const onMessage = (m) => {
      if (m.type === 'log') {
        setLogs((current) => [m.log, ...(current || [])].slice(0, MAX_LOGS));
      } else if (m.type === 'alert' || m.type === 'alert_state' || m.type === 'incident') {
        feedSeq.current += 1;
        const seq = feedSeq.current;
        setFeed((current) => [...current, { ...m, seq }].slice(-MAX_FEED));
        // A new alert, once: a security incident's first event, or an ML alert (an episode) the first time it is
        // pushed, whatever its count by then.
        if (m.type === 'alert' && !seenAlerts.current.has(m.id) && (m.source === 'ml' || m.count === 1)) {
          setOpenAlerts((n) => n + 1);
        }
        if (m.type === 'alert') {
          seenAlerts.current.add(m.id);
        }
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
    ['overview', 'Overview'],
    ['live', 'Live'],
    ['alerts', 'Alerts'],
    ['devices', 'Devices'],
    ['batches', 'Batches'],
    ['proofs', 'Proofs'],
  ];
  let view;
  switch (route.view) {
    case 'overview':
      view = <Overview api={api} devices={devices} refreshKey={refreshKey} />;
      break;
    case 'alerts':
      view = route.args[0]
        ? (
          <section data-view="alert">
            <p className="crumbs"><a href="#/alerts">Alerts</a> / {route.args[0]}</p>
            <h2>Alert {route.args[0]}</h2>
            <AlertDetail api={api} id={route.args[0]} role={role} />
          </section>
        )
        : <Alerts key={route.query} api={api} role={role} feed={feed} query={route.query} />;
      break;
    case 'devices':
      view = route.args[0]
        ? <DevicePage key={route.args[0]} api={api} deviceId={route.args[0]} role={role} refreshKey={refreshKey} />
        : <Devices devices={devices} error={errors.devices} onRetry={loadAll} />;
      break;
    case 'proofs':
      view = <Proofs key={route.args.join('/')} api={api} device={route.args[0]} sequence={route.args[1]} />;
      break;
    case 'batches':
      view = route.args[0] ? <Batch key={route.args[0]} api={api} id={route.args[0]} /> : <Batches api={api} refreshKey={refreshKey} />;
      break;
    case 'tx':
      view = <Transaction api={api} hash={route.args[0]} />;
      break;
    case 'live':
      view = <Live stats={stats} statsError={errors.stats} logs={logs} error={errors.logs} onRetry={loadAll} />;
      break;
    default:
      view = (
        <section className="not-found" data-view="not-found">
          <h2>No such view</h2>
          <p>
            There is no view <code>#/{route.view}</code>. Go to <a href="#/overview">Overview</a>, <a href="#/live">Live</a>,{' '}
            <a href="#/alerts">Alerts</a>,{' '}
            <a href="#/devices">Devices</a> or <a href="#/proofs">Proofs</a>.
          </p>
        </section>
      );
  }
  const viewName = route.view === 'devices' && route.args[0] ? route.args[0]
    : (nav.find(([id]) => id === route.view) || [null, route.view === 'tx' ? 'Transaction' : 'Not found'])[1];
  useEffect(() => {
    document.title = `${viewName}${openAlerts ? ` (${openAlerts} open alerts)` : ''} · Vigil`;
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
