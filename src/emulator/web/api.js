/**
 * Client for the emulator's control API. Paths are resolved against the folder this module is
 * served from, so the page works at `/` and under a prefix alike.
 * Every call resolves to `{ok: true, value}` or `{ok: false, error}`; it never throws.
 */
export function createApi(root = new URL('.', import.meta.url)) {
  const url = (path) => new URL(`_emulator/${path}`, root);
  const conversation = (pageId, psid) => `conversations/${encodeURIComponent(pageId)}/${encodeURIComponent(psid)}`;

  return {
    getState: () => request(url('state')),
    getProfile: (pageId) => request(url(`pages/${encodeURIComponent(pageId)}/profile`)),
    getConversation: (pageId, psid) => request(url(conversation(pageId, psid))),
    /** `body` is one of the shapes the control API accepts: `{text}`, `{postback}`, `{sticker_id}`... */
    send: (pageId, psid, body) => request(url(`${conversation(pageId, psid)}/messages`), jsonPost(body)),
    markRead: (pageId, psid) => request(url(`${conversation(pageId, psid)}/read`), jsonPost({})),
    upload: (file) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return request(url('uploads'), { method: 'POST', body: form });
    },
    /**
     * Opens the live stream of one conversation. `handlers` maps event names (`item`, `status`,
     * `typing`, `window`, `profile`) to functions taking the parsed data; `onOpen` runs on every (re)connect
     * so the caller can refetch what it may have missed. Returns a function that closes the stream.
     */
    openStream: (pageId, psid, { onOpen, ...handlers }) => {
      const source = new EventSource(url(`${conversation(pageId, psid)}/stream`));
      if (onOpen) source.addEventListener('open', onOpen);
      for (const [event, handle] of Object.entries(handlers)) {
        source.addEventListener(event, (e) => {
          const data = parse(e.data);
          if (data !== undefined) handle(data);
        });
      }
      return () => source.close();
    },
  };
}

function jsonPost(body) {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function request(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch (err) {
    return { ok: false, error: `Network error: ${err.message}` };
  }
  const text = await res.text();
  const body = text ? parse(text) : {};
  if (!res.ok) {
    const message = body?.error?.message ?? (text.slice(0, 200) || res.statusText);
    return { ok: false, error: `${res.status} ${message}` };
  }
  return { ok: true, value: body ?? {} };
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
