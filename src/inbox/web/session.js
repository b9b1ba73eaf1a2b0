/**
 * The signed-in user's credentials, for this tab only: sessionStorage survives a reload and the round trip through
 * Facebook Login, and is gone when the tab closes. Never localStorage, never a URL.
 */
const KEY = 'switchboard.inbox.session';

/** `{email, authorization}` or undefined. */
export function loadSession() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return value && typeof value.authorization === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage refused (private mode quota): the session lasts as long as the page does.
  }
}

export function clearSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** `Basic base64(email:password)`, UTF-8 encoded as RFC 7617 asks. */
export function basicAuthorization(email, password) {
  const bytes = new TextEncoder().encode(`${email}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
