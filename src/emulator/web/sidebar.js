/**
 * The left column: who you chat as (the emulated people, as avatars) and the pages you can chat
 * with, as Messenger's chat list. Pure rendering; the app owns the selection.
 */
import { avatar } from './avatar.js';
import { h, replaceChildren } from './dom.js';
import { fullName } from './profile.js';

/** The key of a chat's preview: the page and the person chatting, whose threads are their own. */
export const previewKey = (pageId, personId) => `${pageId} ${personId}`;

/**
 * `previews` maps a chat (`previewKey`) to a line of text shown under its page's name (the last message we know).
 * `onPage(id)` and `onPerson(id)` change the selection.
 */
export function renderSidebar(root, { pages, people, pageId, personId, previews, onPage, onPerson }) {
  const person = people.find((p) => p.id === personId);
  replaceChildren(
    root,
    h(
      'header',
      { class: 'sidebar__header' },
      h('h1', { class: 'sidebar__title' }, 'Chats'),
      h('span', { class: 'badge' }, 'Emulator'),
    ),
    h('h2', { class: 'sidebar__label', id: 'people-label' }, 'Chatting as'),
    people.length === 0
      ? h('p', { class: 'sidebar__empty' }, 'No people yet. Add one with POST /_emulator/people.')
      : h(
          'div',
          { class: 'people', role: 'group', 'aria-labelledby': 'people-label' },
          people.map((p) =>
            h(
              'button',
              {
                type: 'button',
                class: 'person',
                'aria-pressed': String(p.id === personId),
                dataset: { testid: `person-${p.id}` },
                onclick: () => onPerson(p.id),
              },
              avatar(p.profile_pic, fullName(p), 52),
              h('span', { class: 'person__name' }, p.first_name ?? fullName(p)),
            ),
          ),
        ),
    h('h2', { class: 'sidebar__label', id: 'pages-label' }, 'Pages'),
    pages.length === 0
      ? h('p', { class: 'sidebar__empty' }, 'No pages yet. Add one with POST /_emulator/pages.')
      : h(
          'nav',
          { class: 'pages', 'aria-labelledby': 'pages-label' },
          pages.map((page) => {
            const psid = person?.psids?.[page.id];
            return h(
              'button',
              {
                type: 'button',
                class: 'page',
                'aria-current': page.id === pageId ? 'true' : false,
                dataset: { testid: `page-${page.id}` },
                onclick: () => onPage(page.id),
              },
              avatar(page.picture_url, page.name, 48),
              h(
                'span',
                { class: 'page__text' },
                h('span', { class: 'page__name' }, page.name),
                h(
                  'span',
                  { class: 'page__preview' },
                  previews.get(previewKey(page.id, personId)) ?? (psid ? `PSID ${psid}` : 'Not connected yet'),
                ),
              ),
            );
          }),
        ),
  );
}
