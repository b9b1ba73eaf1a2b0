/**
 * The reply box. One submission has one `Idempotency-Key`: a double click, or a retry after a lost answer, queues
 * one message. The key changes when the text does. Enter sends, Shift+Enter starts a new line. What is typed is kept
 * per conversation in `drafts` (with its key), so switching threads loses nothing.
 */
import { h, uid } from './dom.js';
import { describeError, describeWindow } from './format.js';

const MAX_LENGTH = 2000;

/**
 * `sent()` runs once the gateway queued a reply. `drafts`: a Map of conversation id to `{text, submission}` that
 * outlives the composer. `name()`: the person's name, for a failure told after the agent moved on (in `notices`).
 */
export function createComposer({ api, id, sent, drafts, notices, name }) {
  let conversation;
  let sending = false;
  let closed = false;

  const hintId = uid('reply-hint');
  const input = h('textarea', {
    id: uid('reply'),
    rows: '2',
    maxlength: String(MAX_LENGTH),
    placeholder: 'Write a reply…',
    'aria-describedby': hintId,
    dataset: { testid: 'reply-input' },
    oninput: () => keep(input.value, drafts.get(id)?.submission),
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

  input.value = drafts.get(id)?.text ?? '';

  function keep(text, submission) {
    if (text === '' && !submission) drafts.delete(id);
    else drafts.set(id, { text, submission });
  }

  async function send() {
    const text = input.value.trim();
    if (sending || !text) return;
    let submission = drafts.get(id)?.submission;
    if (submission?.text !== text) submission = { text, key: newKey() };
    keep(input.value, submission);
    sending = true;
    button.disabled = true;
    button.textContent = 'Sending…';
    error.hidden = true;
    const result = await api.reply(id, text, submission.key);
    sending = false;
    button.disabled = false;
    button.textContent = 'Send';
    if (result.ok) {
      const draft = drafts.get(id);
      if (draft?.submission === submission) keep(draft.text.trim() === text ? '' : draft.text, undefined);
      if (closed) return void sent();
      input.value = drafts.get(id)?.text ?? '';
      input.focus();
      await sent();
    } else if (result.error.status !== 401) {
      failed(result.error);
    }
  }

  /** On screen, under the box; after the agent moved on, as a notice naming the conversation. */
  function failed(apiError) {
    if (!closed) {
      error.textContent = `Not sent. ${describeError(apiError)}`;
      error.hidden = false;
      return;
    }
    notices.show({
      key: `reply-${id}`,
      tone: 'error',
      testid: 'reply-failed',
      text: `Your reply to ${name()} was not sent. ${describeError(apiError)} It waits in that conversation's reply box.`,
    });
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

  return {
    element,
    setConversation,
    close() {
      closed = true;
    },
  };
}

/** A random key; `crypto.randomUUID` exists only on https and localhost, `getRandomValues` everywhere. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
