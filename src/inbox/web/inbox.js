/**
 * The signed-in inbox: the views the address's hash names (route.js), the conversation list beside a thread, the
 * pages panel, and what keeps them up to date. The gateway's live stream (live.js) says which conversations changed,
 * and the list and the open thread load again at once. Polls (poller.js) stay as the safety net: rare while the stream
 * is live, at their usual pace while it is down, less often while requests fail. The pages are only polled.
 */
import { createConversationList, LIST_POLL_MS } from './conversation-list.js';
import { createDeadLettersPanel } from './dead-letters-panel.js';
import { h, replaceChildren } from './dom.js';
import { sessionNotices } from './notices.js';
import { createPagesPanel, PAGES_POLL_MS } from './pages-panel.js';
import { createPoller } from './poller.js';
import { conversationHref, isRoute, parseRoute } from './route.js';
import { createSignedInUser } from './signed-in-user.js';
import { createTeamPanel } from './team-panel.js';
import { createThread, THREAD_POLL_MS } from './thread.js';

/** How long a hidden tab keeps its live stream. */
const HIDDEN_STREAM_MS = 60_000;
/** The shortest time between two loads the stream brings. */
const LIVE_GAP_MS = 1_000;
/** The list's and the thread's polls while the stream is live: they only catch what it might miss. */
export const LIVE_POLL_MS = 30_000;
const LIVE_STATUS = {
  connecting: { text: 'Connecting…', title: 'Updates come every few seconds until the live connection is up.' },
  live: { text: 'Live', title: 'Updates show as they happen.' },
  down: { text: 'Reconnecting…', title: 'Updates come every few seconds until the live connection is back.' },
};

/**
 * `main`: where the views go; `topbar`: whose navigation links are marked; `pages`: the pages at sign-in; `me`: the
 * signed-in user (`/api/me`); `connectLive({onChange, onState})`: opens the live stream (live.js) with the session's
 * credentials; `changeOwnPassword`: see team-panel.js. `liveStatus` is the stream's state,
 * for the top bar. After `close()` (sign-out) the stream is closed, and the session's late answers show no notice and
 * change nothing.
 */
export function createInbox({
  api,
  notices: shared,
  main,
  topbar,
  pages,
  me: signedIn,
  connectLive,
  changeOwnPassword,
}) {
  const notices = sessionNotices(shared);
  let closed = false;
  /** The pages as last read, by id: their names, and their health for the reply box. */
  let pagesById = new Map();
  const pageName = (pageId) => pagesById.get(pageId)?.name ?? pageId;
  /** Unsent replies by conversation id: they outlive the thread they were typed in. */
  const drafts = new Map();
  /** The inbox's users, to assign conversations to: loaded with the pages, and again with each of their polls. */
  let users = [];
  /** Who is signed in: read again with the team, since an admin may change their role meanwhile. */
  let me = signedIn;
  const signedInUser = createSignedInUser({ api, me });
  const list = createConversationList({
    api,
    notices,
    me,
    hrefFor: conversationHref,
    filtered: () => listPoller.reset(),
  });
  const deadLetters = createDeadLettersPanel({
    api,
    notices,
    isAdmin: me.role === 'admin',
    pageName,
  });
  const panel = createPagesPanel({
    api,
    notices,
    isAdmin: me.role === 'admin',
    onPages: (next) => closed || setPages(next),
    below: deadLetters.element,
  });
  const teamPanel = createTeamPanel({
    api,
    notices,
    me: () => me,
    onUsers: setUsers,
    changeOwnPassword,
  });
  const placeholder = h('div', { class: 'thread-placeholder' }, h('p', {}, 'Pick a conversation to read it.'));
  const threadPane = h('div', { class: 'thread-pane' }, placeholder);
  const conversations = h('div', { class: 'inbox', dataset: { pane: 'list' } }, list.element, threadPane);
  let thread;
  let view;
  setPages(pages);
  void loadTeam();

  /** Pages come with the sign-in and each poll of them: names and the page filter follow pages added or renamed. */
  function setPages(next) {
    pagesById = new Map(next.map((p) => [p.id, p]));
    list.setPages(next);
    panel.draw(next);
    thread?.pagesChanged();
  }

  const isHidden = () => document.hidden;
  /** One poller serves every thread and every filter: each opened thread and changed filter starts it afresh. */
  const listPoller = createPoller({
    task: () => view !== 'conversations' || list.refresh(),
    intervalMs: LIST_POLL_MS,
    isHidden,
  });
  const threadPoller = createPoller({
    task: () => view !== 'conversations' || thread?.refresh(),
    intervalMs: THREAD_POLL_MS,
    isHidden,
  });
  const pollers = [
    listPoller,
    threadPoller,
    createPoller({
      // The dead letters only while they are shown: the pages are read everywhere, for their names.
      task: async () =>
        (await Promise.all([panel.refresh(), loadTeam(), view === 'pages' && deadLetters.refresh()]))[0],
      intervalMs: PAGES_POLL_MS,
      isHidden,
    }),
  ];

  const liveLabel = h('span', { class: 'live-status__label' });
  const liveStatus = h('span', { class: 'live-status', role: 'status', dataset: { testid: 'live-status' } }, liveLabel);
  let live;
  let beenLive = false;
  let hiddenFor;
  openLive();
  // Opened in the background (a link opened in a new tab): no `visibilitychange` comes until it is shown.
  if (document.hidden) closeLiveLater();

  function openLive() {
    showLiveState('connecting');
    live = connectLive({ onChange: liveChanged, onState: showLiveState });
  }

  /**
   * `ids` of the conversations that changed, or undefined for all of them. Loads are at least LIVE_GAP_MS apart: a busy
   * gateway tells of changes every 50 ms, and each tab would reload without pause. Hidden, the polls wait for the tab.
   */
  let liveLoad;
  let threadChanged = false;
  let lastLiveLoad = 0;
  function liveChanged(ids) {
    if (closed) return;
    list.markChanged(ids);
    if (thread && (ids === undefined || ids.includes(thread.id))) threadChanged = true;
    if (liveLoad) return;
    liveLoad = setTimeout(
      () => {
        liveLoad = undefined;
        lastLiveLoad = Date.now();
        void listPoller.now();
        if (threadChanged) void threadPoller.now();
        threadChanged = false;
      },
      Math.max(0, lastLiveLoad + LIVE_GAP_MS - Date.now()),
    );
  }

  function showLiveState(state) {
    const isLive = state === 'live';
    // Connected again: the gateway ends a user's stream when their role or password changes.
    if (isLive && liveStatus.dataset.state !== 'live') {
      if (beenLive) void loadTeam();
      beenLive = true;
    }
    listPoller.setInterval(isLive ? LIVE_POLL_MS : LIST_POLL_MS);
    threadPoller.setInterval(isLive ? LIVE_POLL_MS : THREAD_POLL_MS);
    // Unchanged, the text is left alone: a status region announces each change of it.
    if (liveStatus.dataset.state === state) return;
    liveStatus.dataset.state = state;
    liveStatus.title = LIVE_STATUS[state].title;
    liveLabel.textContent = LIVE_STATUS[state].text;
  }

  /**
   * The team, and who is signed in: a role changed by an admin shows without a reload. The team is read through its
   * panel and the user through signed-in-user.js, each dropping an answer older than one it applied (a poll under way
   * as someone is renamed, or as a reconnect reads a new role); whichever load ends last shows the newest user.
   */
  async function loadTeam() {
    await Promise.all([teamPanel.refresh({ quiet: true }), signedInUser.refresh()]);
    if (closed || signedInUser.current().role === me.role) return;
    me = signedInUser.current();
    panel.setAdmin(me.role === 'admin');
    deadLetters.setAdmin(me.role === 'admin');
    teamPanel.draw();
  }

  function setUsers(next) {
    if (closed) return;
    users = next;
    list.setUsers(next);
    thread?.teamChanged();
  }

  function openThread(id) {
    if (thread?.id === id) return;
    thread?.close();
    if (!id) {
      thread = undefined;
      replaceChildren(threadPane, placeholder);
      return;
    }
    const created = createThread({
      api,
      id,
      notices,
      drafts,
      backHref: '#/',
      team: () => users,
      me,
      pageName,
      pageHealth: (pageId) => pagesById.get(pageId)?.health,
      onChanged(changedId, changes) {
        if (closed) return;
        if (changes) list.patch(changedId, changes);
        else void list.refresh();
      },
    });
    thread = { id, ...created };
    replaceChildren(threadPane, created.element);
    threadPoller.reset();
    void created.start();
  }

  /**
   * Draws the view the hash names; the list loads when it comes into view (the first time included). A hash that names
   * no view (the skip link's `#app`) leaves the one drawn as it is.
   */
  function route() {
    if (view !== undefined && !isRoute(location.hash)) return;
    const { view: next, id } = parseRoute(location.hash);
    // Back from the pages or the team to the same thread: what the stream said of it meanwhile was not loaded.
    const backToThread = view !== 'conversations' && next === 'conversations' && id !== undefined && thread?.id === id;
    if (next === 'pages' || next === 'team') {
      const shown = next === 'pages' ? panel : teamPanel;
      if (view !== next) replaceChildren(main, shown.element);
      void shown.refresh();
      if (next === 'pages') void deadLetters.refresh();
    } else {
      if (view !== 'conversations') {
        replaceChildren(main, conversations);
        void (view === undefined ? list.start() : list.refresh());
      }
      // From the keyboard (a row's Enter, the back link), the focus follows: opened from a row, into the conversation;
      // back to the list, onto its row. Left where it was, it would sit on a hidden element or go to the page's top.
      const fromRow = Boolean(document.activeElement?.closest('[data-testid="conversation"], .back'));
      const left = thread?.id;
      openThread(id);
      list.setSelected(id);
      conversations.dataset.pane = id ? 'thread' : 'list';
      if (fromRow && id && id !== left) thread?.focus();
      else if (fromRow && !id && left) list.focusRow(left);
    }
    view = next;
    if (backToThread) void threadPoller.now();
    const currentHref = next === 'conversations' ? '#/' : `#/${next}`;
    for (const link of topbar.querySelectorAll('.topbar__nav a')) {
      const current = link.getAttribute('href') === currentHref;
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  /**
   * A tab hidden for a while lets go of its stream: a browser keeps at most six connections to a server (HTTP/1.1), and
   * every inbox tab left open would hold one. Shown again, it connects, and `ready` loads everything.
   */
  function closeLiveLater() {
    clearTimeout(hiddenFor);
    hiddenFor = setTimeout(() => {
      live?.close();
      live = undefined;
    }, HIDDEN_STREAM_MS);
  }
  const onVisible = () => {
    if (document.hidden) return closeLiveLater();
    clearTimeout(hiddenFor);
    if (!live) openLive();
    for (const p of pollers) void p.now();
  };
  // Back from Facebook's dialog, the browser may restore this page as it left it, with Connect disabled.
  const onPageShow = (event) => {
    if (event.persisted) panel.reset();
  };
  window.addEventListener('hashchange', route);
  window.addEventListener('pageshow', onPageShow);
  document.addEventListener('visibilitychange', onVisible);

  return {
    route,
    liveStatus,
    close() {
      closed = true;
      clearTimeout(hiddenFor);
      clearTimeout(liveLoad);
      live?.close();
      notices.end();
      for (const p of pollers) p.stop();
      window.removeEventListener('hashchange', route);
      window.removeEventListener('pageshow', onPageShow);
      document.removeEventListener('visibilitychange', onVisible);
      list.close();
      thread?.close();
    },
  };
}
