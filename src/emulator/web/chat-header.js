/** The bar above the thread: the page's picture and name, who you are chatting as, and the page's state. */
import { avatar } from './avatar.js';
import { h, replaceChildren } from './dom.js';
import { fullName } from './profile.js';

/** Fills `root` for the conversation of `person` with `page`. */
export function renderChatHeader(root, page, person) {
  replaceChildren(
    root,
    avatar(page.picture_url, page.name, 40),
    h(
      'div',
      { class: 'chat-header__text' },
      h('h2', { class: 'chat-header__name', dataset: { testid: 'chat-page-name' } }, page.name),
      h('span', { class: 'chat-header__meta', dataset: { testid: 'chat-meta' } }, 'Active now'),
    ),
    person ? h('span', { class: 'chat-header__as' }, `You are ${fullName(person)}`) : null,
  );
}

/**
 * Notes in the header when the page's 24-hour messaging window is closed: the page can then send
 * only tagged messages, which helps explain a bot's failed sends.
 */
export function showWindowState(root, open) {
  const meta = root.querySelector('.chat-header__meta');
  if (meta) meta.textContent = open ? 'Active now' : 'Active now \u00b7 24-hour window closed';
}

/**
 * Fills `root` (a live region) while Meta blocks the page from messaging (`block`: `{reason}` or
 * null): the page's sends fail with 368 then, which explains a silent bot. Untouched while nothing
 * changed, so a screen reader says it once.
 */
export function showPageBlock(root, page, block) {
  const text = block
    ? `${page.name} can’t send messages right now: Meta blocked it from messaging. ${block.reason}`
    : '';
  if (root.textContent === text && root.hidden === !block) return;
  root.textContent = text;
  root.hidden = !block;
}
