/**
 * The dead letters, under the pages: the sends and inbound events whose retries ran out (`GET /api/dead-letters`),
 * each with its page, its person, its last error and when. Admins queue them all again (`POST
 * /api/dead-letters/replay`), after a second click.
 */
import {
  conversationsToName,
  describeAttempts,
  describeReplay,
  describeSendError,
  describeTruncation,
  eventKindLabel,
  personOf,
  sendKindLabel,
} from './dead-letters.js';
import { askInPlace, h, replaceChildren, setText, whileBusy } from './dom.js';
import { describeError, fullTime } from './format.js';
import { createReadOrder } from './read-order.js';
import { conversationHref } from './route.js';

/** `pageName(id)`: a page's name, as the pages panel knows it. `isAdmin`: only admins replay. */
export function createDeadLettersPanel({ api, notices, pageName, isAdmin }) {
  let admin = isAdmin;
  /** The last list drawn: `{outbox, events}`, undefined before the first load. */
  let letters;
  let drawnSignature = '';
  /** The dead sends' conversations by id, loaded to name their people; null for one the API did not return. */
  const conversations = new Map();
  /** An answer older than one drawn, or than a replay, is dropped. */
  const reads = createReadOrder();

  const title = h('h2', { id: 'dead-letters-title', tabindex: '-1' }, 'Dead letters');
  const outcome = h('p', {
    class: 'dead-letters__outcome',
    role: 'status',
    dataset: { testid: 'dead-letters-outcome' },
  });
  const content = h('div', { class: 'dead-letters__content' }, h('p', { class: 'empty' }, 'Loading the dead letters…'));
  const replay = renderReplay();
  const element = h(
    'section',
    { class: 'dead-letters', 'aria-labelledby': 'dead-letters-title', dataset: { testid: 'dead-letters' } },
    h('div', { class: 'pages-panel__head' }, title, replay.element),
    h(
      'p',
      { class: 'dead-letters__intro' },
      'Sends and events the gateway gave up on after every retry, newest first. A replay queues them all again.',
    ),
    outcome,
    content,
  );

  /** Resolves to false when the dead letters could not be loaded. */
  async function refresh() {
    const ask = reads.next();
    const result = await api.deadLetters();
    if (!result.ok) {
      if (result.error.status !== 401) {
        const text = `Could not load the dead letters. ${describeError(result.error)}`;
        notices.show({ key: 'dead-letters', tone: 'error', text });
        // Never loaded: "Loading…" would stay until a poll succeeds.
        if (!letters) replaceChildren(content, h('p', { class: 'empty' }, 'The dead letters could not be loaded yet.'));
      }
      return false;
    }
    notices.clear('dead-letters');
    await nameConversations(result.value.outbox);
    if (!reads.apply(ask)) return true;
    letters = result.value;
    draw();
    return true;
  }

  /** Loads the conversations of sends not named yet: the people's names, and their links. */
  async function nameConversations(outbox) {
    const wanted = new Set(outbox.map((row) => row.conversation_id));
    for (const id of conversations.keys()) if (!wanted.has(id)) conversations.delete(id);
    const missing = conversationsToName(outbox, conversations);
    if (missing.length === 0) return;
    const found = await api.conversations({ ids: missing.join(','), limit: missing.length });
    // Unnamed, a send still shows with the end of the person's id: no notice for it.
    if (!found.ok) return;
    for (const id of missing) conversations.set(id, found.value.find((c) => c.id === id) ?? null);
  }

  function draw() {
    replay.show(admin && letters !== undefined && (letters.outbox.length > 0 || letters.events.length > 0));
    if (!letters) return;
    const named = [...conversations.values()].filter(Boolean);
    // Drawn again only when something changed: a poll moves neither the focus nor the reader's place.
    const signature = JSON.stringify([letters, named.map((c) => [c.id, c.first_name, c.last_name])]);
    if (signature === drawnSignature) return;
    drawnSignature = signature;
    const { outbox, events } = letters;
    if (outbox.length === 0 && events.length === 0) {
      replaceChildren(content, h('p', { class: 'empty' }, 'Nothing is dead: no send or event has run out of retries.'));
      return;
    }
    const truncated = describeTruncation(letters);
    replaceChildren(
      content,
      truncated && h('p', { class: 'dead-letters__note' }, truncated),
      outbox.length > 0 && [
        h('h3', { class: 'dead-letters__kind' }, `Sends (${outbox.length})`),
        h(
          'ul',
          { class: 'pages dead-letters__list', dataset: { testid: 'dead-sends' } },
          outbox.map((row) => renderSend(row, named)),
        ),
      ],
      events.length > 0 && [
        h('h3', { class: 'dead-letters__kind' }, `Events (${events.length})`),
        h(
          'ul',
          { class: 'pages dead-letters__list', dataset: { testid: 'dead-events' } },
          events.map((row) => renderEvent(row, named)),
        ),
      ],
    );
  }

  function renderSend(row, named) {
    return h(
      'li',
      { class: 'page dead-letter', dataset: { testid: 'dead-send', id: row.id } },
      h(
        'p',
        { class: 'dead-letter__head' },
        h('span', { class: 'badge tone-error' }, sendKindLabel(row)),
        ' to ',
        h('a', { href: conversationHref(row.conversation_id) }, personOf(row, named)),
        h('span', { class: 'dead-letter__page' }, ` on ${pageName(row.page_id)}`),
      ),
      row.text &&
        h('p', { class: 'dead-letter__text', dir: 'auto', dataset: { testid: 'dead-letter-text' } }, row.text),
      h('p', { class: 'page__detail', dataset: { testid: 'dead-letter-error' } }, describeSendError(row)),
      h(
        'p',
        { class: 'page__meta' },
        `${describeAttempts(row.attempts)} · given up ${fullTime(row.updated_at)} · queued ${fullTime(row.created_at)}`,
      ),
    );
  }

  function renderEvent(row, named) {
    return h(
      'li',
      { class: 'page dead-letter', dataset: { testid: 'dead-event', id: row.id } },
      h(
        'p',
        { class: 'dead-letter__head' },
        h('span', { class: 'badge tone-error' }, eventKindLabel(row.kind)),
        ` from ${personOf(row, named)}`,
        h('span', { class: 'dead-letter__page' }, ` on ${pageName(row.page_id)}`),
      ),
      h('p', { class: 'page__detail', dataset: { testid: 'dead-letter-error' } }, row.error || 'No error was recorded'),
      h('p', { class: 'page__meta' }, `${describeAttempts(row.attempts)} · received ${fullTime(row.received_at)}`),
    );
  }

  /** _Replay all…_ asks again in place before queueing: a replay cannot be taken back. */
  function renderReplay() {
    const ask = h(
      'button',
      { type: 'button', class: 'button', dataset: { testid: 'replay-dead-letters' } },
      'Replay all…',
    );
    const confirm = h(
      'button',
      { type: 'button', class: 'button button--primary', dataset: { testid: 'confirm-replay' }, hidden: true },
      'Queue every dead letter again',
    );
    const cancel = h('button', { type: 'button', class: 'button button--quiet', hidden: true }, 'Cancel');
    const controls = h('span', { class: 'dead-letters__replay', hidden: true }, ask, confirm, cancel);
    const asking = askInPlace({ ask, shown: [confirm, cancel], focus: confirm, cancel });
    confirm.addEventListener('click', () =>
      whileBusy(confirm, async () => {
        const result = await api.replayDeadLetters();
        if (!result.ok) {
          if (result.error.status !== 401)
            setText(outcome, `Could not replay the dead letters. ${describeError(result.error)}`);
          return;
        }
        // A load asked before the replay would show what it just queued as dead still.
        reads.supersede();
        setText(outcome, describeReplay(result.value));
        asking(false);
        await refresh();
      }),
    );
    return {
      element: controls,
      /** Hidden with the focus in it, the focus goes to the section's heading, not to the top of the page. */
      show(on) {
        if (on === !controls.hidden) return;
        const hadFocus = controls.contains(document.activeElement);
        if (!on) asking(false, { focus: false });
        controls.hidden = !on;
        if (hadFocus) title.focus();
      },
    };
  }

  /** Only admins replay: the button follows the signed-in user's role. */
  function setAdmin(is) {
    admin = is;
    draw();
  }

  return { element, refresh, setAdmin };
}
