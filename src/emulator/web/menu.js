/**
 * The persistent menu: a hamburger button beside the composer that opens the page's
 * `call_to_actions` as a list (postback items send a postback, web_url items open a new tab).
 * Keyboard: Enter/Space opens, arrows move, Escape closes and returns focus to the button.
 */
import { h, icon, replaceChildren } from './dom.js';
import { LINK, MENU } from './icons.js';

/** `onPostback(title, payload)` runs when a postback item is chosen. */
export function createMenu({ onPostback }) {
  const list = h('div', {
    class: 'menu__list',
    role: 'menu',
    id: 'persistent-menu',
    'aria-label': 'Menu',
    hidden: true,
    dataset: { testid: 'persistent-menu' },
  });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'composer__icon',
      'aria-label': 'Menu',
      'aria-haspopup': 'menu',
      'aria-controls': 'persistent-menu',
      'aria-expanded': 'false',
      dataset: { testid: 'menu-button' },
      onclick: () => (list.hidden ? open() : close()),
    },
    icon(MENU),
  );
  const element = h('div', { class: 'menu', hidden: true }, button, list);

  const items = () => [...list.querySelectorAll('[role="menuitem"]')];
  const onOutside = (e) => {
    if (!element.contains(e.target)) close();
  };
  list.addEventListener('keydown', (e) => {
    const all = items();
    const at = all.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      close();
      button.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      all[(at + step + all.length) % all.length]?.focus();
    }
  });

  function open() {
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onOutside);
    items()[0]?.focus();
  }
  function close() {
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onOutside);
  }

  /** Shows `call_to_actions`; hides the whole menu when there are none. */
  function setItems(actions) {
    element.hidden = actions.length === 0;
    if (actions.length === 0) close();
    replaceChildren(
      list,
      actions.map((action) => {
        if (action.type === 'web_url') {
          return h(
            'a',
            {
              class: 'menu__item',
              role: 'menuitem',
              href: action.url,
              target: '_blank',
              rel: 'noopener noreferrer',
              onclick: close,
              dataset: { testid: 'menu-item' },
            },
            action.title,
            icon(LINK, 'menu__item-icon'),
          );
        }
        return h(
          'button',
          {
            type: 'button',
            class: 'menu__item',
            role: 'menuitem',
            dataset: { testid: 'menu-item' },
            onclick: () => {
              close();
              onPostback(action.title, action.payload);
            },
          },
          action.title,
        );
      }),
    );
  }

  return { element, setItems, close };
}
