/**
 * The web inbox: signs in with an inbox user's credentials (kept for this tab only, session.js) and works through the
 * gateway's JSON API. Views follow the URL's hash: `#/` the conversations, `#/c/<id>` one of them (beside the list on
 * wide screens, alone on narrow ones), `#/pages` the pages. There is no stream: lists and threads are polled.
 */
import { createApi } from './api.js';
import { createConversationList, LIST_POLL_MS } from './conversation-list.js';
import { h, replaceChildren } from './dom.js';
import { describeError } from './format.js';
import { createNotices } from './notices.js';
import { createPagesPanel, PAGES_POLL_MS } from './pages-panel.js';
import { conversationHref, parseRoute } from './route.js';
import { basicAuthorization, clearSession, loadSession, saveSession } from './session.js';
import { renderSignIn } from './sign-in.js';
import { createThread, THREAD_POLL_MS } from './thread.js';

const main = document.getElementById('app');
const topbar = document.getElementById('topbar');
const notices = createNotices(document.getElementById('notices'));
let session = loadSession();
/** What runs while signed in: pollers, the list, the thread; torn down on sign-out. */
let inbox;

const api = createApi({
  authorization: () => session?.authorization ?? '',
  onUnauthenticated(_error, sent) {
    if (session && sent === session.authorization) {
      signOut('Your session has ended (or your password changed): sign in again.');
    }
  },
});

showConnectOutcome();
if (session) void enter();
else showSignIn();

/** The outcome of Facebook Login, which the gateway passes in the query: shown once, then taken off the URL. */
function showConnectOutcome() {
  const query = new URLSearchParams(location.search);
  const connected = query.get('connected');
  const failure = query.get('connect_error');
  if (connected === null && failure === null) return;
  if (failure !== null) {
    // Anyone can craft this link: the text is capped and says where it comes from, so it cannot pass for another notice.
    const reason = failure.length > 200 ? `${failure.slice(0, 200)}…` : failure;
    notices.show({
      tone: 'error',
      testid: 'connect-notice',
      text: `Facebook Login: could not connect pages (${reason}).`,
    });
  } else {
    const count = Number.parseInt(connected, 10) || 0;
    const text = count === 0 ? 'No page was connected.' : `Connected ${count} Facebook page${count === 1 ? '' : 's'}.`;
    notices.show({ tone: count === 0 ? 'info' : 'success', testid: 'connect-notice', text });
    if (!location.hash) location.hash = '#/pages';
  }
  history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
}

function showSignIn(message) {
  replaceChildren(topbar, brand());
  replaceChildren(
    main,
    h(
      'div',
      { class: 'sign-in-page' },
      renderSignIn({
        message,
        async signIn(email, password) {
          const authorization = basicAuthorization(email, password);
          const check = await createApi({ authorization: () => authorization }).pages();
          if (!check.ok) {
            if (check.error.status === 401) return 'Wrong email or password.';
            return describeError(check.error);
          }
          session = { email, authorization };
          saveSession(session);
          await enter(check.value);
          return undefined;
        },
      }),
    ),
  );
}

function signOut(message) {
  if (!session) return;
  session = undefined;
  clearSession();
  inbox?.close();
  inbox = undefined;
  notices.clearAll();
  showSignIn(message);
}

/** Signed in: the top bar, the views, the pollers. `pages` when the sign-in fetched them already. */
async function enter(pages) {
  if (!pages) {
    const result = await api.pages();
    if (!result.ok) {
      if (result.error.status !== 401) showSignIn(describeError(result.error));
      return;
    }
    pages = result.value;
  }
  if (!session) return;
  inbox = createInbox(pages);
  replaceChildren(
    topbar,
    brand(),
    h(
      'nav',
      { class: 'topbar__nav', 'aria-label': 'Sections' },
      h('a', { href: '#/', dataset: { testid: 'nav-conversations' } }, 'Conversations'),
      h('a', { href: '#/pages', dataset: { testid: 'nav-pages' } }, 'Pages'),
    ),
    h(
      'div',
      { class: 'topbar__user' },
      h('span', { class: 'topbar__email', dataset: { testid: 'signed-in-as' } }, session.email),
      h(
        'button',
        { type: 'button', class: 'button button--quiet', dataset: { testid: 'sign-out' }, onclick: () => signOut() },
        'Sign out',
      ),
    ),
  );
  inbox.route();
}

function brand() {
  return h(
    'span',
    { class: 'brand' },
    h('img', { src: './favicon.svg', alt: '', width: 22, height: 22 }),
    h('span', { class: 'brand__name' }, 'Switchboard'),
    h('span', { class: 'brand__sub' }, 'Inbox'),
  );
}

function createInbox(pages) {
  const pageNames = new Map(pages.map((p) => [p.id, p.name ?? p.id]));
  /** Unsent replies by conversation id: they outlive the thread they were typed in. */
  const drafts = new Map();
  const list = createConversationList({ api, pages, notices, hrefFor: conversationHref });
  const panel = createPagesPanel({ api, notices });
  panel.draw(pages);
  const placeholder = h('div', { class: 'thread-placeholder' }, h('p', {}, 'Pick a conversation to read it.'));
  const threadPane = h('div', { class: 'thread-pane' }, placeholder);
  const conversations = h('div', { class: 'inbox', dataset: { pane: 'list' } }, list.element, threadPane);
  let thread;
  let view;

  const pollers = [
    poll(() => view === 'conversations' && list.refresh(), LIST_POLL_MS),
    poll(() => view === 'conversations' && thread?.refresh(), THREAD_POLL_MS),
    poll(() => view === 'pages' && panel.refresh(), PAGES_POLL_MS),
  ];
  void list.start();

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
      backHref: '#/',
      pageName: (pageId) => pageNames.get(pageId) ?? pageId,
      onChanged: (changedId, changes) => (changes ? list.patch(changedId, changes) : void list.refresh()),
      drafts,
    });
    thread = { id, ...created };
    replaceChildren(threadPane, created.element);
    void created.start();
  }

  /** Draws the view the hash names. */
  function route() {
    const { view: next, id } = parseRoute(location.hash);
    if (next === 'pages') {
      if (view !== 'pages') replaceChildren(main, panel.element);
      void panel.refresh();
    } else {
      if (view !== 'conversations') {
        replaceChildren(main, conversations);
        void list.refresh();
      }
      openThread(id);
      list.setSelected(id);
      conversations.dataset.pane = id ? 'thread' : 'list';
    }
    view = next;
    for (const link of topbar.querySelectorAll('.topbar__nav a')) {
      const current = (link.getAttribute('href') === '#/pages') === (next === 'pages');
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  window.addEventListener('hashchange', route);
  const onVisible = () => {
    if (!document.hidden) for (const p of pollers) p.now();
  };
  document.addEventListener('visibilitychange', onVisible);

  return {
    route,
    close() {
      for (const p of pollers) p.stop();
      window.removeEventListener('hashchange', route);
      document.removeEventListener('visibilitychange', onVisible);
      list.close();
      thread?.close();
    },
  };
}

/** Runs `task` every `ms` while the tab is visible, one run at a time; `now()` runs it at once. */
function poll(task, ms) {
  let running = false;
  const tick = async () => {
    if (running || document.hidden) return;
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, ms);
  return { now: tick, stop: () => clearInterval(timer) };
}
