/**
 * The reply box, which sends a reply or, chosen under "Send as" (send-as.js), a tagged business update. One submission
 * has one `Idempotency-Key`: a double click, or a retry after a lost answer, queues one message. The key changes when
 * the text or the kind does. Enter sends, Shift+Enter starts a new line. What is typed, and the kind chosen, is kept
 * per conversation in `drafts` (with its key), so switching threads loses nothing. A reply on its way stays in its
 * draft, marked in flight: the reply box of that conversation shows it as sending (read-only) until the answer comes,
 * even one opened after the agent left and came back, so it cannot be sent twice.
 */
import { h, uid } from './dom.js';
import { describeError, describeHealth, describeWindow } from './format.js';
import { createSendAs } from './send-as.js';

const MAX_LENGTH = 2000;

/**
 * `sent()` runs once the gateway queued a reply. `drafts`: a Map of conversation id to `{text, tag, submission,
 * flight?}` that outlives the composer (`tag` undefined: a reply); `flight` is `{answer, owner}`, the reply's request
 * and the composer that handles its answer (the newest of the conversation). `name()`: the person's name, for a
 * failure told after the agent moved on (in `notices`). `pageHealth(id)`: the page's health, when the pages are known.
 */
export function createComposer({ api, id, sent, drafts, notices, name, pageHealth }) {
  let conversation;
  let closed = false;
  /** This composer, as the owner of a flight. */
  const self = {};

  const hintId = uid('reply-hint');
  const sendAs = createSendAs({
    // Never while sending: the choice is fixed then.
    changed(tag) {
      input.placeholder = placeholderFor(tag);
      button.textContent = sendLabel(tag);
      keep();
    },
  });
  const input = h('textarea', {
    id: uid('reply'),
    rows: '2',
    maxlength: String(MAX_LENGTH),
    dir: 'auto',
    'aria-describedby': `${sendAs.helpId} ${hintId}`,
    dataset: { testid: 'reply-input' },
    oninput: () => keep(),
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
    sendAs.element,
    h('label', { for: input.id, class: 'visually-hidden' }, 'Reply to the person'),
    h('div', { class: 'composer__row' }, input, button),
    hint,
    error,
  );

  const kept = drafts.get(id);
  show(kept);
  if (kept?.flight) void follow(kept);

  /** The box shows `draft`'s text and kind, or an empty reply. */
  function show(draft) {
    input.value = draft?.text ?? '';
    sendAs.choose(draft?.tag);
    input.placeholder = placeholderFor(draft?.tag);
    button.textContent = sendLabel(draft?.tag);
  }

  function keep() {
    const draft = { text: input.value, tag: sendAs.tag(), submission: drafts.get(id)?.submission };
    if (draft.text === '' && !draft.tag && !draft.submission) drafts.delete(id);
    else drafts.set(id, draft);
  }

  async function send() {
    const text = input.value.trim();
    // Only what the agent chose: a reply unless they picked an update.
    const tag = sendAs.tag();
    const draft = drafts.get(id);
    if (draft?.flight || !text) return;
    const again = draft?.submission?.text === text && draft.submission.tag === tag;
    const submission = again ? draft.submission : { text, tag, key: newKey() };
    const answer = api.reply(id, { text, tag, key: submission.key });
    const flying = { text: input.value, tag, submission, flight: { answer } };
    drafts.set(id, flying);
    await follow(flying);
  }

  /** Shows `draft` as sending until its answer, which only the flight's owner (the newest composer) handles. */
  async function follow(draft) {
    const { flight } = draft;
    flight.owner = self;
    showSending(true);
    const result = await flight.answer;
    if (flight.owner !== self) return;
    if (drafts.get(id) === draft) {
      // Sent: the draft is done. Not sent: it waits, with its key, for a retry that queues it once.
      if (result.ok) drafts.delete(id);
      else drafts.set(id, { text: draft.text, tag: draft.tag, submission: draft.submission });
    }
    if (!closed) showSending(false);
    if (result.ok) {
      if (!closed) {
        const focused = element.contains(document.activeElement);
        // The next message is a reply again, unless the agent chooses otherwise.
        show(drafts.get(id));
        if (focused) input.focus();
      }
      await sent();
    } else if (result.error.status !== 401) {
      failed(result.error, draft.tag);
    }
  }

  /** Read-only rather than disabled while sending: the focus stays in the box. */
  function showSending(on) {
    input.readOnly = on;
    sendAs.setBusy(on);
    if (on) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
    button.textContent = on ? 'Sending…' : sendLabel(sendAs.tag());
    if (on) error.hidden = true;
  }

  /** On screen, under the box; after the agent moved on, as a notice naming the conversation. */
  function failed(apiError, tag) {
    if (!closed) {
      error.textContent = `Not sent. ${describeError(apiError)}`;
      error.hidden = false;
      return;
    }
    const what = tag ? 'update' : 'reply';
    notices.show({
      key: `reply-${id}`,
      tone: 'error',
      testid: 'reply-failed',
      text: `Your ${what} to ${name()} was not sent. ${describeError(apiError)} It waits in that conversation's reply box.`,
    });
  }

  function setConversation(next) {
    conversation = next;
    const reach = describeWindow(conversation.last_inbound_at);
    const health = pageHealth(conversation.page_id) ?? 'ok';
    // Said first: whatever the window, nothing leaves this page until it is fixed.
    const notes = health === 'ok' ? [reach.text] : [pageTrouble(health), reach.text];
    hint.dataset.page = health;
    if (conversation.routing !== 'human')
      notes.push('Take over first, so the assistant does not answer alongside you.');
    hint.textContent = notes.join(' ');
    hint.dataset.window = reach.state;
    sendAs.setWindow(reach.state);
  }

  return {
    element,
    setConversation,
    close() {
      closed = true;
    },
  };
}

/** Why the page's sends fail for now (its health in the Pages view), for the agent about to send. */
const pageTrouble = (health) =>
  `${describeHealth(health).label}: what is sent from this page fails until that is fixed (see Pages).`;

const placeholderFor = (tag) => (tag ? 'Write the update…' : 'Write a reply…');
const sendLabel = (tag) => (tag ? 'Send update' : 'Send');

/** A random key; `crypto.randomUUID` exists only on https and localhost, `getRandomValues` everywhere. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
