/**
 * The live state of one conversation (page × person): its items, the typing flag, the 24-hour
 * window and the page's profile, kept current through the SSE stream. Every (re)connect refetches
 * the thread and the profile, so nothing changed while the stream was down is missed or kept.
 * The window closes on a timer to the end the emulator reports, re-armed whenever it reports again
 * (the person writes, the emulator's clock is advanced). Edit buttons go the same way: a redraw when
 * the first of them runs out of time.
 *
 * The page keeps the emulator's clock, not the browser's: every report of the window says the
 * emulator's `now`, and the clock runs at real speed between advances, so `snapshot().now()` is the
 * browser's time moved by the difference last reported.
 */
import { nextEditExpiry, toMillis } from './thread-model.js';

/**
 * `onChange(snapshot)` runs after every change with `{items, typing, windowOpen, profile, pageBlock, loaded, now()}`
 * (`pageBlock`: `{reason, since}` while Meta blocks the page from messaging, else null; `now()`: the emulator's
 * clock in epoch ms);
 * `onError(message)` for failed fetches; `onGeneration(generation)` at each (re)connect and each reset, with the
 * emulator's generation, which changes when it goes back to its seed or restarts.
 * Returns `{close(), snapshot()}`.
 */
export function openConversation({ api, pageId, psid, onChange, onError, onGeneration }) {
  let closed = false;
  /** The emulator's clock less the browser's, as last reported; 0 until the first report. */
  let clockOffset = 0;
  let editTimer;
  const snap = {
    items: [],
    typing: false,
    windowOpen: true,
    profile: {},
    pageBlock: null,
    loaded: false,
    now: () => Date.now() + clockOffset,
  };
  const emit = () => {
    if (closed) return;
    armEditTimer();
    onChange(snap);
  };

  /** Redraws when the next Edit button's 15 minutes end, on the emulator's clock. */
  function armEditTimer() {
    clearTimeout(editTimer);
    const now = snap.now();
    const next = nextEditExpiry(snap.items, now);
    if (next !== undefined) editTimer = setTimeout(emit, next - now);
  }
  /**
   * What the stream told while each reload was under way, as its answer may have been made before it: `ids` it brought
   * or changed the status of, and `statuses` of messages not on the page yet (sent while the stream was down, which the
   * reload brings, perhaps with an older status).
   */
  const streamedDuring = new Set();
  let windowTimer;
  /**
   * How many `window`, `page` and typing events the stream brought: a reload's answer made before the latest one is
   * older.
   */
  const told = { window: 0, page: 0, typing: 0 };
  /**
   * The initial loads and those of each (re)connect overlap: each has a number, and an answer older than the newest
   * one applied (or than the stream's `profile`) is dropped.
   */
  let threadLoads = 0;
  let threadApplied = 0;
  let profileLoads = 0;
  let profileApplied = 0;

  /** Shows the emulator's `{open, open_until, now}` and arms a timer to the moment the window closes. */
  function setWindow(state) {
    if (!state) return;
    clockOffset = state.now - Date.now();
    clearTimeout(windowTimer);
    snap.windowOpen = state.open;
    if (!state.open) return;
    // `open_until` is the window's last instant on the emulator's clock, which runs at real speed between advances.
    windowTimer = setTimeout(
      () => {
        snap.windowOpen = false;
        emit();
      },
      state.open_until - state.now + 1,
    );
  }

  /**
   * The thread as the emulator has it. Items it no longer has go (it restarted or was reset while the stream was
   * down), but not those the stream brought while the reload was under way, which stay as the stream had them; a
   * status it told meanwhile of a message the page did not have yet goes over the answer's.
   */
  async function loadThread() {
    const mine = ++threadLoads;
    const streamed = { ids: new Set(), statuses: new Map() };
    streamedDuring.add(streamed);
    const toldBefore = { ...told };
    /** The stream said nothing of `what` while the load was under way: the answer is the newest word on it. */
    const unsaid = (what) => told[what] === toldBefore[what];
    const result = await api.getConversation(pageId, psid).finally(() => streamedDuring.delete(streamed));
    if (closed || mine < threadApplied) return;
    threadApplied = mine;
    if (!result.ok) return onError(`Could not load the conversation: ${result.error}`);
    const later = snap.items.filter((i) => streamed.ids.has(i.id));
    const loaded = (result.value.items ?? []).map((i) =>
      streamed.statuses.has(i.id) ? { ...i, status: streamed.statuses.get(i.id) } : i,
    );
    snap.items = [];
    for (const item of [...loaded, ...later]) upsert(item);
    if (unsaid('typing')) snap.typing = Boolean(result.value.typing);
    if (unsaid('page')) snap.pageBlock = result.value.page_messaging_block ?? null;
    if (unsaid('window')) setWindow(result.value.window);
    snap.loaded = true;
    emit();
  }

  async function loadProfile() {
    const mine = ++profileLoads;
    const result = await api.getProfile(pageId);
    if (closed || mine < profileApplied) return;
    profileApplied = mine;
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
    // Anything may have changed while the stream was down, the page's menu too.
    onOpen: () => {
      loadProfile();
      loadThread();
    },
    item: (item) => {
      for (const streamed of streamedDuring) streamed.ids.add(item.id);
      upsert(item);
      // A message from the page ends its typing indicator, as in Messenger.
      if (item.from === 'page' && item.message) {
        told.typing += 1;
        snap.typing = false;
      }
      emit();
    },
    // The person (re)opened the window, or the emulator's clock moved: it may have closed.
    window: (state) => {
      told.window += 1;
      setWindow(state);
      emit();
    },
    status: ({ id, status }) => {
      const item = snap.items.find((i) => i.id === id);
      for (const streamed of streamedDuring) {
        if (item) streamed.ids.add(id);
        else streamed.statuses.set(id, status);
      }
      if (item) item.status = status;
      emit();
    },
    typing: ({ on }) => {
      told.typing += 1;
      snap.typing = Boolean(on);
      emit();
    },
    profile: (profile) => {
      if (profile && typeof profile === 'object') {
        profileApplied = ++profileLoads;
        snap.profile = profile;
        emit();
      } else loadProfile();
    },
    // Meta blocked or unblocked the page from messaging.
    page: ({ messaging_block }) => {
      told.page += 1;
      snap.pageBlock = messaging_block ?? null;
      emit();
    },
    // Which generation of the emulator this is, at each (re)connect: one reset or restarted while the stream was down
    // (or not yet open) has a new one.
    hello: ({ generation }) => onGeneration(generation),
    // The emulator went back to its seed: this conversation may not exist any more.
    reset: ({ generation }) => onGeneration(generation),
  });
  loadProfile();
  loadThread();

  return {
    snapshot: () => snap,
    close: () => {
      closed = true;
      clearTimeout(windowTimer);
      clearTimeout(editTimer);
      stopStream();
    },
  };
}
