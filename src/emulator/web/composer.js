/**
 * The composer row: persistent menu, attachment picker, the text field, and send (while there is
 * text) or like (while there is none), as in Messenger. Before the first message of a page with a
 * Get Started button, the row gives way to that button.
 */
import { h, icon } from './dom.js';
import { ATTACH, LIKE, SEND } from './icons.js';
import { createMenu } from './menu.js';

/**
 * Callbacks: `onText(text)`, `onLike()`, `onFile(file)`, `onGetStarted()`, `onPostback(title, payload)`.
 * Each may return a promise; the composer stays usable meanwhile.
 */
export function createComposer(root, { onText, onLike, onFile, onGetStarted, onPostback }) {
  const menu = createMenu({ onPostback });
  const fileInput = h('input', {
    type: 'file',
    class: 'visually-hidden',
    tabindex: '-1',
    'aria-hidden': 'true',
    dataset: { testid: 'composer-file' },
    onchange: () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) onFile(file);
    },
  });
  const attach = h(
    'button',
    {
      type: 'button',
      class: 'composer__icon',
      'aria-label': 'Attach a file',
      dataset: { testid: 'composer-attach' },
      onclick: () => fileInput.click(),
    },
    icon(ATTACH),
  );
  const input = h('textarea', {
    class: 'composer__input',
    rows: 1,
    placeholder: 'Aa',
    'aria-label': 'Message',
    dataset: { testid: 'composer-input' },
  });
  const send = h(
    'button',
    {
      type: 'submit',
      class: 'composer__icon',
      'aria-label': 'Send',
      hidden: true,
      dataset: { testid: 'composer-send' },
    },
    icon(SEND),
  );
  const like = h(
    'button',
    {
      type: 'button',
      class: 'composer__icon',
      'aria-label': 'Send a like',
      dataset: { testid: 'composer-like' },
      onclick: () => onLike(),
    },
    icon(LIKE),
  );
  const field = h('div', { class: 'composer__field' }, input);
  const form = h(
    'form',
    { class: 'composer', dataset: { testid: 'composer' } },
    menu.element,
    attach,
    fileInput,
    field,
    send,
    like,
  );
  const getStarted = h(
    'div',
    { class: 'get-started', hidden: true },
    h(
      'button',
      {
        type: 'button',
        class: 'get-started__button',
        dataset: { testid: 'get-started' },
        onclick: () => onGetStarted(),
      },
      'Get Started',
    ),
  );
  root.append(getStarted, form);

  /** The page's menu hides the text field; while editing, only the text and send remain. */
  let inputDisabled = false;
  let editing = false;
  const syncButtons = () => {
    const empty = input.value.trim() === '';
    field.hidden = inputDisabled;
    attach.hidden = inputDisabled || editing;
    like.hidden = inputDisabled || editing || !empty;
    send.hidden = inputDisabled || empty;
    if (inputDisabled) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  };
  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    syncButtons();
    onText(text);
  };
  input.addEventListener('input', syncButtons);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });

  /**
   * `showGetStarted`: the thread is empty and the page has a Get Started button.
   * `menu`: `{items, inputDisabled}` from the page's persistent menu for this person.
   */
  function setMode({ showGetStarted, menu: { items, inputDisabled: disabled } }) {
    getStarted.hidden = !showGetStarted;
    form.hidden = showGetStarted;
    menu.setItems(items);
    inputDisabled = disabled;
    syncButtons();
    form.classList.toggle('composer--menu-only', disabled);
  }

  /**
   * Puts a sent text in the field to edit it; the next submit is the edit. False, and nothing
   * changes, while the page's menu leaves the person no text field.
   */
  function startEdit(text) {
    if (inputDisabled) return false;
    editing = true;
    input.value = text;
    syncButtons();
    input.focus();
    input.setSelectionRange(text.length, text.length);
    return true;
  }

  /** Leaves editing with an empty field (sent or cancelled). */
  function endEdit() {
    editing = false;
    input.value = '';
    syncButtons();
  }

  return { setMode, startEdit, endEdit, focus: () => input.focus(), closeMenu: menu.close };
}
