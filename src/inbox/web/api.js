/**
 * Client of the gateway's JSON API (`/api/...`, beside `/inbox/`). Every call resolves to `{ok: true, value}` (the
 * body's `data`) or `{ok: false, error: {status, code, message, retryAfter}}`; it never throws. Status 0 means the
 * gateway could not be reached.
 *
 * Requests carry the credentials as an explicit `Authorization` header with `credentials: 'omit'`: no cookie goes,
 * and a 401 never opens the browser's own sign-in dialog (it prompts only for requests that include credentials).
 * Starting Facebook Login is the exception: its answer sets the cookie that binds the login to this browser.
 * `fetch` is the browser's unless given (tests).
 */
/**
 * `onUnauthenticated(error, sentAuthorization)` is told of each 401 with the `Authorization` its request carried: an
 * answer to a request of an earlier session comes late, and must not end the current one.
 */
export function createApi({
  authorization,
  onUnauthenticated,
  root = new URL('../', import.meta.url),
  fetch = (...args) => globalThis.fetch(...args),
}) {
  /** `whole`: the value is the answer's whole body, for the few that say more beside `data`. */
  async function call(method, path, { query, body, headers = {}, credentials = 'omit', whole = false } = {}) {
    const sent = authorization();
    const url = new URL(path.replace(/^\//, ''), root);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    const init = {
      method,
      credentials,
      cache: 'no-store',
      headers: { accept: 'application/json', authorization: sent, ...headers },
    };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      return { ok: false, error: { status: 0, code: 'NETWORK', message: err.message } };
    }
    const text = await response.text().catch(() => '');
    const parsed = parse(text);
    // Something other than the gateway answered (a proxy's page): no data to show, and not to be taken for some.
    if (response.ok && text !== '' && parsed === undefined) {
      const message = `the answer was not the gateway's (${response.status}, ${response.headers.get('content-type') ?? 'no type'})`;
      return { ok: false, error: { status: response.status, code: 'BAD_RESPONSE', message } };
    }
    if (response.ok) return { ok: true, value: (whole ? undefined : parsed?.data) ?? parsed ?? {} };
    const error = {
      status: response.status,
      code: parsed?.error?.code ?? `HTTP_${response.status}`,
      message: parsed?.error?.message ?? response.statusText,
      retryAfter: Number(response.headers.get('retry-after')) || undefined,
    };
    if (response.status === 401) onUnauthenticated?.(error, sent);
    return { ok: false, error };
  }

  const conversation = (id) => `/api/conversations/${encodeURIComponent(id)}`;
  return {
    pages: () => call('GET', '/api/pages'),
    /** `filter`: `{q, page_id, routing, flagged, limit, before, before_id}`. */
    conversations: (filter) => call('GET', '/api/conversations', { query: filter }),
    /** `{conversation, messages}`, messages oldest first, `limit` before the message id `before`. */
    messages: (id, { limit, before } = {}) => call('GET', `${conversation(id)}/messages`, { query: { limit, before } }),
    /**
     * The same `key` for one submission: sent twice, it queues one message. `tag`, only when the agent chose one, makes
     * it a business update (ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE).
     */
    reply: (id, { text, tag, key }) =>
      call('POST', `${conversation(id)}/messages`, {
        body: tag ? { text, tag } : { text },
        headers: { 'idempotency-key': key },
      }),
    /** The signed-in user has read the conversation up to the message `upTo`. */
    markRead: (id, upTo) => call('POST', `${conversation(id)}/read`, { body: { up_to: upTo } }),
    setRouting: (id, routing) => call('POST', `${conversation(id)}/routing`, { body: { routing } }),
    /** `userId` null: assigned to nobody. */
    assign: (id, userId) => call('POST', `${conversation(id)}/assignee`, { body: { user_id: userId } }),
    setFlag: (id, flagged, reason) =>
      call('POST', `${conversation(id)}/flag`, { body: flagged && reason ? { flagged, reason } : { flagged } }),
    /** The signed-in user: `{id, email, name, role, configured_admin}`. */
    me: () => call('GET', '/api/me'),
    /** The signed-in user's own name (empty: none); answers who they are, as `me`. */
    renameMe: (name) => call('PATCH', '/api/me', { body: { name } }),
    /** Sent with the current credentials, which stop working once it is done. */
    changeOwnPassword: (password) => call('POST', '/api/me/password', { body: { password } }),
    /** `[{id, email, name, role, created_at, configured_admin}]`. */
    users: () => call('GET', '/api/users'),
    /** `{user, password}`: the password is shown once. */
    addUser: (user) => call('POST', '/api/users', { body: user }),
    updateUser: (id, change) => call('PATCH', `/api/users/${encodeURIComponent(id)}`, { body: change }),
    /** `{user, password}`: a new generated password, shown once. */
    resetPassword: (id) => call('POST', `/api/users/${encodeURIComponent(id)}/password`),
    removeUser: (id) => call('DELETE', `/api/users/${encodeURIComponent(id)}`),
    /**
     * `changes`: the settings to change, null to go back to the configuration's. `{data, profile_sync}`: the page's
     * settings, and how syncing its greeting to Messenger went when it changed.
     */
    updatePageSettings: (id, changes) =>
      call('PATCH', `/api/pages/${encodeURIComponent(id)}/settings`, { body: changes, whole: true }),
    /** `{outbox, events}`: the newest 100 sends and the newest 100 inbound events whose retries ran out. */
    deadLetters: () => call('GET', '/api/dead-letters'),
    /** Admins: queues every dead send and event again, listed or not; `{outbox, events}` says how many. */
    replayDeadLetters: () => call('POST', '/api/dead-letters/replay'),
    /** `[{id}]`: the apps pages can be connected through. */
    apps: () => call('GET', '/api/apps'),
    /** `{url}` of Facebook's Login dialog, to connect pages through the app `appId` (needed when there are several). */
    startConnect: (appId) =>
      call('POST', '/api/oauth/facebook/start', {
        body: appId ? { app_id: appId } : {},
        credentials: 'same-origin',
      }),
  };
}

function parse(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
