/**
 * The reply box. One submission has one `Idempotency-Key`: a double click, or a retry after a lost answer, queues
 * one message. The key changes when the text does. Enter sends, Shift+Enter starts a new line.
 */
import { h, uid } from './dom.js';
import { describeError, describeWindow } from './format.js';

const MAX_LENGTH = 2000;

/** `sent()` runs once the gateway queued a reply. */
export function createComposer({ api, id, sent }) {
  let conversation;
  let sending = false;
  let submission;

  const hintId = uid('reply-hint');
  const input = h('textarea', {
    id: uid('reply'),
    rows: '2',
    maxlength: String(MAX_LENGTH),
    placeholder: 'Write a reply…',
    'aria-describedby': hintId,
    dataset: { testid: 'reply-input' },
    onkeydown(event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void send();
      }
    },
  });
  const button = h(
    'button',
    { type: 'submit', class: 'button button--primary', dataset: { testid: 'reply-send' } },
    'Send',
  );
  const hint = h('p', { class: 'composer__hint', id: hintId, dataset: { testid: 'reply-hint' } });
  const error = h('p', { class: 'composer__error', role: 'alert', hidden: true, dataset: { testid: 'reply-error' } });
  const element = h(
    'form',
    {
      class: 'composer',
      'aria-label': 'Reply',
      onsubmit(event) {
        event.preventDefault();
        void send();
      },
    },
    h('label', { for: input.id, class: 'visually-hidden' }, 'Reply to the person'),
    h('div', { class: 'composer__row' }, input, button),
    hint,
    error,
  );

  async function send() {
    const text = input.value.trim();
    if (sending || !text) return;
    if (submission?.text !== text) submission = { text, key: newKey() };
    sending = true;
    button.disabled = true;
    button.textContent = 'Sending…';
    error.hidden = true;
    const result = await api.reply(id, text, submission.key);
    sending = false;
    button.disabled = false;
    button.textContent = 'Send';
    if (result.ok) {
      submission = undefined;
      if (input.value.trim() === text) input.value = '';
      input.focus();
      await sent();
    } else if (result.error.status !== 401) {
      error.textContent = `Not sent. ${describeError(result.error)}`;
      error.hidden = false;
    }
  }

  function setConversation(next) {
    conversation = next;
    const reach = describeWindow(conversation.last_inbound_at);
    const notes = [reach.text];
    if (conversation.routing !== 'human')
      notes.push('Take over first, so the assistant does not answer alongside you.');
    hint.textContent = notes.join(' ');
    hint.dataset.window = reach.state;
  }

  return { element, setConversation };
}

/** A random key; `crypto.randomUUID` exists only on https and localhost, `getRandomValues` everywhere. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
