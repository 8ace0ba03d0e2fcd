// Shared pieces: designed loading, empty and error states, time and hash formatting, a sparkline.

export function State({ kind, children, onRetry }) {
  return (
    <div className={`state state-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-state={kind}>
      {kind === 'loading' && <span className="spinner" aria-hidden="true" />}
      <span>{children}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function errorText(error) {
  if (!error) {
    return '';
  }
  if (error.status === 0) {
    return 'The server cannot be reached. Retrying when it is back.';
  }
  return `${error.message}${error.status ? ` (HTTP ${error.status})` : ''}`;
}

export function time(ms) {
  if (ms === null || ms === undefined) {
    return '—';
  }
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function short(hash, n = 10) {
  return hash ? `${hash.slice(0, n)}…` : '—';
}

export function TxLink({ hash }) {
  if (!hash) {
    return <span className="muted" title="waiting for the ledger">pending</span>;
  }
  return (
    <a className="tx" href={`#/tx/${hash}`} title={hash} data-tx={hash}>
      {short(hash, 12)}
    </a>
  );
}

/** How long ago, in words ("12 s ago", "3 min ago", "2 h ago", "4 d ago"), from a time in ms. */
export function ago(ms, now = Date.now()) {
  if (ms === null || ms === undefined) {
    return 'never';
  }
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) {
    return `${s} s ago`;
  }
  if (s < 3600) {
    return `${Math.round(s / 60)} min ago`;
  }
  if (s < 86400) {
    return `${Math.round(s / 3600)} h ago`;
  }
  return `${Math.round(s / 86400)} d ago`;
}

/** A duration in words from ms: "800 ms", "12 s", "3 min 5 s", "2 h 4 min". */
export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '—';
  }
  const a = Math.abs(ms);
  if (a < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (a < 60_000) {
    return `${(ms / 1000).toFixed(a < 10_000 ? 1 : 0)} s`;
  }
  if (a < 3600_000) {
    return `${Math.floor(a / 60_000)} min ${Math.round((a % 60_000) / 1000)} s`;
  }
  return `${Math.floor(a / 3600_000)} h ${Math.round((a % 3600_000) / 60_000)} min`;
}

const SEVERITY = { high: '▲ high', medium: '◆ medium', low: '● low' };

/** Severity as a symbol, a word and a colour, so colour is never the only signal. */
export function severityBadge(severity) {
  return (
    <span className={`severity severity-${severity}`} data-severity={severity}>
      {SEVERITY[severity] || severity}
    </span>
  );
}

/** A table's column headers, each a column header for assistive technology. */
export function Head({ columns }) {
  return (
    <thead>
      <tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
    </thead>
  );
}
