/**
 * The web inbox: signs in with an inbox user's credentials (kept for this tab only, session.js) and works through the
 * gateway's JSON API. Views follow the URL's hash: `#/` the conversations, `#/c/<id>` one of them (beside the list on
 * wide screens, alone on narrow ones), `#/pages` the pages, `#/team` the people who sign in (inbox.js).
 */
import { createApi } from './api.js';
import { h, replaceChildren } from './dom.js';
import { describeError } from './format.js';
import { createInbox } from './inbox.js';
import { createLiveStream } from './live.js';
import { createNotices } from './notices.js';
import { basicAuthorization, clearSession, loadSession, saveSession } from './session.js';
import { renderSignIn } from './sign-in.js';

const main = document.getElementById('app');
const topbar = document.getElementById('topbar');
const notices = createNotices(document.getElementById('notices'));
let session = loadSession();
/** What runs while signed in: the live stream, pollers, the list, the thread; torn down on sign-out. */
let inbox;

const authorization = () => session?.authorization ?? '';
/** While the user's own password changes, requests sent with it a moment earlier may be refused: expected. */
let changingOwnPassword = false;
/** A 401 ends the session, unless it answers a request made with earlier credentials (api.js). */
function onUnauthenticated(_error, sent) {
  if (session && sent === session.authorization && !changingOwnPassword) {
    signOut('Your session has ended (or your password changed): sign in again.');
  }
}
const api = createApi({ authorization, onUnauthenticated });
const connectLive = (handlers) => createLiveStream({ authorization, onUnauthenticated, ...handlers });

showConnectOutcome();
if (session) void enter();
else showSignIn();

/** The outcome of Facebook Login, which the gateway passes in the query: shown once, then taken off the URL. */
function showConnectOutcome() {
  const query = new URLSearchParams(location.search);
  const connected = query.get('connected');
  const failure = query.get('connect_error');
  if (connected === null && failure === null) return;
  // Facebook's redirect leaves `#_=_` on the address, which names no view of ours.
  const hash = location.hash === '#_=_' ? '' : location.hash;
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
  }
  const view = hash || (failure === null ? '#/pages' : '');
  history.replaceState(history.state, '', `${location.pathname}${view}`);
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

/** Signed in: the top bar, the views, the stream and the pollers. `pages` when the sign-in fetched them already. */
async function enter(pages) {
  pages ??= await untilLoaded(api.pages);
  const me = pages && (await untilLoaded(api.me));
  if (!session || !pages || !me) return;
  inbox = createInbox({
    api,
    notices,
    main,
    topbar,
    pages,
    me,
    connectLive,
    changeOwnPassword,
  });
  replaceChildren(
    topbar,
    brand(),
    h(
      'nav',
      { class: 'topbar__nav', 'aria-label': 'Sections' },
      h('a', { href: '#/', dataset: { testid: 'nav-conversations' } }, 'Conversations'),
      h('a', { href: '#/pages', dataset: { testid: 'nav-pages' } }, 'Pages'),
      h('a', { href: '#/team', dataset: { testid: 'nav-team' } }, 'Team'),
    ),
    h(
      'div',
      { class: 'topbar__user' },
      inbox.liveStatus,
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

/**
 * Changes the signed-in user's password, and signs the session in with the new one. Meanwhile requests sent with the
 * old one a moment earlier may be refused: those 401s do not sign out.
 */
async function changeOwnPassword(password) {
  changingOwnPassword = true;
  try {
    const result = await api.changeOwnPassword(password);
    if (result.ok && session) {
      session = { ...session, authorization: basicAuthorization(session.email, password) };
      saveSession(session);
    }
    return result;
  } finally {
    changingOwnPassword = false;
  }
}

/**
 * What the inbox opens with (the pages, then who is signed in). A gateway restarting or out of reach is waited for,
 * with a notice and retries further and further apart; only a 401 (which signs out) or a sign-out ends the wait.
 */
async function untilLoaded(load) {
  for (let wait = 2_000; session; wait = Math.min(wait * 2, 30_000)) {
    const result = await load();
    if (result.ok) {
      notices.clear('start');
      return result.value;
    }
    if (result.error.status === 401) return undefined;
    notices.show({
      key: 'start',
      tone: 'error',
      testid: 'start-notice',
      text: `Could not open the inbox. ${describeError(result.error)} It tries again by itself.`,
    });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return undefined;
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
