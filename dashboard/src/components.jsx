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

/** Values over time as an SVG polyline; points flagged in `marks` are drawn as red dots. */
export function Sparkline({ values, marks = [], width = 220, height = 48, label, range }) {
  if (values.length === 0) {
    return <svg width={width} height={height} aria-label={`${label}: no data`} />;
  }
  const min = range ? range[0] : Math.min(...values);
  const max = range ? range[1] : Math.max(...values);
  const span = max - min || 1;
  const x = (i) => (values.length === 1 ? width / 2 : (i * (width - 8)) / (values.length - 1) + 4);
  const y = (v) => height - 4 - ((v - min) * (height - 8)) / span;
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      <polyline fill="none" stroke="currentColor" strokeWidth="1.5" points={points} />
      {marks.map((i) => (
        <circle key={i} className="anomaly" cx={x(i)} cy={y(values[i])} r="3.5" data-anomaly="true" />
      ))}
    </svg>
  );
}
