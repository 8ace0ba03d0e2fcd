import { useState } from 'react';
import { createApi, ApiError } from './api.js';

export default function Login({ onSignedIn, fetchImpl }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await createApi(token.trim(), fetchImpl).get('/whoami');
      onSignedIn(token.trim(), me.role);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'Unknown token.' : e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={submit}>
      <h1>Vigil</h1>
      <p className="muted">Sign in with a viewer, operator or admin token (printed at start, or from VIGIL_*_TOKEN).</p>
      <label>
        Token
        <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>
      <button type="submit" disabled={busy || token.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
