// The REST API (PROTOCOL §6) with the signed-in token; every failure is an ApiError with the server's JSON error.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.detail = body ? body.detail : null;
  }
}

export function createApi(token, fetchImpl = (...args) => fetch(...args)) {
  async function request(path, options = {}) {
    const headers = { Authorization: `Bearer ${token}` };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetchImpl(`/api/v1${path}`, { ...options, headers });
    } catch (e) {
      throw new ApiError(0, { error: 'the server cannot be reached', detail: String(e && e.message) });
    }
    const text = await response.text();
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { error: text };
      }
    }
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }
  return {
    get: (path) => request(path),
    post: (path, data) => request(path, { method: 'POST', body: JSON.stringify(data) }),
  };
}

export const ROLES = ['viewer', 'operator', 'admin'];

export function atLeast(role, needed) {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
