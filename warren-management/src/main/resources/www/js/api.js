// The management HTTP API as the pages use it: JSON in and out, HTTP basic auth with the
// credentials given at login (kept in sessionStorage, so they end with the browser tab).

const KEY = 'warren.credentials';
const base = new URL('api/', document.baseURI);

export class ApiError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

/** Encodes one path segment: the default vhost "/" becomes "%2F", as the API expects. */
export const seg = encodeURIComponent;

export function setCredentials(username, password) {
  // btoa takes Latin-1 only; this keeps non-ASCII user names and passwords intact (UTF-8)
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  sessionStorage.setItem(KEY, btoa(String.fromCharCode(...bytes)));
}

export function clearCredentials() {
  sessionStorage.removeItem(KEY);
}

export function hasCredentials() {
  return sessionStorage.getItem(KEY) !== null;
}

/** Listeners called when the API refuses the stored credentials (back to the login page). */
const onUnauthorized = [];
export function whenUnauthorized(listener) {
  onUnauthorized.push(listener);
}

/**
 * Calls the API. `path` is relative to /api and already encoded (use seg()).
 * Resolves to the parsed JSON (null for an empty body); rejects with ApiError.
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  // credentials: 'omit' keeps the browser's own HTTP auth out of it: a wrong password comes
  // back as a plain 401 (with RabbitMQ's "WWW-Authenticate: Basic" a browser would otherwise
  // pop up its own login dialog, and a headless one wait for it forever); the Authorization
  // header below is sent all the same
  const init = { method, headers: { ...headers }, cache: 'no-store', credentials: 'omit' };
  const token = sessionStorage.getItem(KEY);
  if (token) init.headers.Authorization = `Basic ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ''), base), init);
  } catch (e) {
    throw new ApiError(0, `the broker does not answer (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (response.status === 401) {
    clearCredentials();
    onUnauthorized.forEach((listener) => listener());
  }
  if (!response.ok) {
    const reason = (data && (data.reason || data.error)) || response.statusText;
    throw new ApiError(response.status, typeof reason === 'string' ? reason : JSON.stringify(reason));
  }
  return data;
}
