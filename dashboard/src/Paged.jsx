// A list read page by page from the API (PROTOCOL v1.1 §6: {"items", "next_cursor"}): the newest page first, older
// pages appended on request, the first page read again when something changed.
import { useCallback, useEffect, useState } from 'react';
import { State, errorText } from './components.jsx';

export function withParams(path, params) {
  const query = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  if (!query) {
    return path;
  }
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

export function Paged({ api, path, pageSize = 20, columns, label, refreshKey, rowKey = (item, i) => item.id ?? i }) {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback((cursor) => {
    setBusy(true);
    return api.get(withParams(path, { limit: pageSize, cursor })).then(
      (page) => {
        setItems((current) => (cursor ? [...(current || []), ...page.items] : page.items));
        setNext(page.next_cursor);
        setError(null);
      },
      (e) => setError(e),
    ).finally(() => setBusy(false));
  }, [api, path, pageSize]);
  useEffect(() => {
    load(null);
  }, [load, refreshKey]);
  if (error && !items) {
    return <State kind="error" onRetry={() => load(null)}>{errorText(error)}</State>;
  }
  if (!items) {
    return <State kind="loading">Loading {label}…</State>;
  }
  if (items.length === 0) {
    return <State kind="empty">No {label}.</State>;
  }
  return (
    <div className="paged" data-paged={label}>
      <div className="table-scroll">
        <table tabIndex={0} aria-label={label}>
          <thead>
            <tr>{columns.map(([name]) => <th key={name} scope="col">{name}</th>)}</tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr key={rowKey(item, i)}>{columns.map(([name, cell]) => <td key={name}>{cell(item)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {items.length} shown{next ? '' : ', no more'}.{' '}
        {next && (
          <button type="button" disabled={busy} onClick={() => load(next)} data-older={label}>
            {busy ? 'Loading…' : `Show ${pageSize} older`}
          </button>
        )}
      </p>
    </div>
  );
}
