/**
 * The live state of one conversation (page × person): its items, the typing flag, the 24-hour
 * window and the page's profile, kept current through the SSE stream. Every reconnect refetches
 * the thread and merges by id, so nothing sent while the stream was down is missed.
 */
import { toMillis } from './thread-model.js';

/**
 * `onChange(snapshot)` runs after every change with `{items, typing, windowOpen, profile, loaded}`;
 * `onError(message)` for failed fetches; `onReset()` when the emulator is reset to its seed.
 * Returns `{close(), snapshot()}`.
 */
export function openConversation({ api, pageId, psid, onChange, onError, onReset }) {
  let closed = false;
  const snap = { items: [], typing: false, windowOpen: true, profile: {}, loaded: false };
  const emit = () => {
    if (!closed) onChange(snap);
  };

  async function loadThread() {
    const result = await api.getConversation(pageId, psid);
    if (closed) return;
    if (!result.ok) return onError(`Could not load the conversation: ${result.error}`);
    for (const item of result.value.items ?? []) upsert(item);
    snap.typing = Boolean(result.value.typing);
    snap.windowOpen = result.value.window_open !== false;
    snap.loaded = true;
    emit();
  }

  async function loadProfile() {
    const result = await api.getProfile(pageId);
    if (closed) return;
    if (!result.ok) return onError(`Could not load the page profile: ${result.error}`);
    snap.profile = result.value ?? {};
    emit();
  }

  function upsert(item) {
    const at = snap.items.findIndex((i) => i.id === item.id);
    // Replace, not merge: an unreact arrives as the same item without its `reaction`.
    if (at >= 0) snap.items[at] = item;
    else snap.items.push(item);
    // Arrival order is the thread's order; a late refetch may interleave, so keep it sorted.
    snap.items.sort((a, b) => toMillis(a.timestamp) - toMillis(b.timestamp));
  }

  const stopStream = api.openStream(pageId, psid, {
    onOpen: () => loadThread(),
    item: (item) => {
      upsert(item);
      // A message from the page ends its typing indicator, as in Messenger.
      if (item.from === 'page' && item.message) snap.typing = false;
      // The person's message or postback (re)opens the 24-hour window.
      if (item.from === 'person') snap.windowOpen = true;
      emit();
    },
    status: ({ id, status }) => {
      const item = snap.items.find((i) => i.id === id);
      if (item) item.status = status;
      emit();
    },
    typing: ({ on }) => {
      snap.typing = Boolean(on);
      emit();
    },
    profile: (profile) => {
      if (profile && typeof profile === 'object') {
        snap.profile = profile;
        emit();
      } else loadProfile();
    },
    // The emulator went back to its seed: this conversation may not exist any more.
    reset: () => onReset(),
  });
  loadProfile();
  loadThread();

  return {
    snapshot: () => snap,
    close: () => {
      closed = true;
      stopStream();
    },
  };
}
