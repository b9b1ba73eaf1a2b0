/**
 * One conversation: its header and actions (thread-actions.js), its messages with older ones on demand, and the
 * reply box (composer.js). Polled every few seconds (`refresh` resolves to false when it failed); new messages scroll into view only when the reader was at the
 * bottom already, and loading older ones keeps the reader's place. A reply's quote takes the reader to the message it
 * quotes (reveal.js), loading older pages until it is there.
 */
import { createComposer } from './composer.js';
import { h, setText, whileBusy } from './dom.js';
import { authorLabel, describeError, personName, shortTime } from './format.js';
import { mergeMessages, prependMessages, rowSignature } from './list-model.js';
import { renderMessage } from './message-view.js';
import { createReadOrder } from './read-order.js';
import { createRevealer } from './reveal.js';
import { createThreadHeader } from './thread-actions.js';

const PAGE_SIZE = 50;
export const THREAD_POLL_MS = 3_000;

/**
 * `onChanged(id, changes)`: the routing, assignee or flag changed here; `changes` is undefined when the list's row is
 * to be read again (after a reply its last message moved on, once read its unread count). `pageName(id)` and
 * `pageHealth(id)`: a page's name and health. `drafts`: the reply boxes' texts by conversation (composer.js). `team()`
 * and `me`: see thread-actions.js.
 */
export function createThread({ api, id, notices, pageName, pageHealth, backHref, onChanged, drafts, team, me }) {
  let conversation;
  let messages = [];
  let hasOlder = false;
  let closed = false;
  /**
   * What the thread shows in place of a conversation, with the way back: `missing` (the gateway said there is none
   * such), `unloaded` (the first load failed; until a poll loads it), or '' (none of that).
   */
  let instead = '';
  const drawn = new Map();
  /**
   * Polls, the refresh after a reply and the route's first load overlap: each request of the newest messages has a
   * number, and an answer older than the newest one applied (or than a change made here) is dropped, so a reply just
   * sent or a take-over just made never flips back.
   */
  const reads = createReadOrder();
  /** The newest message marked read, or being marked. */
  let readUpTo = '';

  const log = h('div', { class: 'thread__messages', dataset: { testid: 'messages' } });
  const older = h(
    'button',
    { type: 'button', class: 'button load-older', hidden: true, dataset: { testid: 'load-older' }, onclick: loadOlder },
    'Load older messages',
  );
  // The log is read, not spoken: left live, it would speak older messages loaded above and every message drawn again
  // (a status that changes). What is new is spoken by the announcer, once.
  const scroller = h(
    'div',
    {
      class: 'thread__scroll',
      role: 'log',
      'aria-live': 'off',
      'aria-label': 'Messages',
      tabindex: '0',
      dataset: { testid: 'thread-log' },
    },
    older,
    log,
  );
  const announcer = h('p', { class: 'visually-hidden', role: 'status', dataset: { testid: 'thread-announcer' } });
  const reveal = createRevealer(scroller);
  const header = createThreadHeader({
    api,
    id,
    notices,
    backHref,
    team,
    me,
    changed(changes) {
      reads.supersede();
      Object.assign(conversation, changes);
      header.draw(conversation, pageName(conversation.page_id));
      composer.setConversation(conversation);
      onChanged(id, changes);
      // A load answered while the action was under way (the stream told of another change) may be newer than the
      // action's answer, and one answered after it is dropped: one more, started now, is newer than both.
      void refresh();
    },
  });
  const composer = createComposer({
    api,
    id,
    drafts,
    notices,
    pageHealth,
    name: () => (conversation ? personName(conversation) : 'a conversation'),
    async sent() {
      onChanged(id, undefined);
      await refresh();
      scroller.scrollTop = scroller.scrollHeight;
    },
  });
  const element = h(
    'section',
    { class: 'thread', 'aria-label': 'Conversation', dataset: { testid: 'thread', id }, 'aria-busy': 'true' },
    header.element,
    scroller,
    announcer,
    composer.element,
  );

  async function refresh() {
    if (closed) return true;
    const mine = reads.next();
    const result = await api.messages(id, { limit: PAGE_SIZE });
    if (closed || !reads.apply(mine)) return;
    if (!result.ok) return failed(result.error);
    notices.clear('thread');
    const first = conversation === undefined;
    if (instead === 'unloaded') {
      instead = '';
      composer.element.hidden = false;
    }
    conversation = result.value.conversation;
    if (first) hasOlder = result.value.messages.length === PAGE_SIZE;
    const merged = mergeMessages(messages, result.value.messages, { limit: PAGE_SIZE });
    const known = new Set(messages.map((m) => m.id));
    const arrived = first ? [] : merged.messages.filter((m) => !known.has(m.id));
    messages = merged.messages;
    if (merged.olderDropped) hasOlder = true;
    header.draw(conversation, pageName(conversation.page_id));
    composer.setConversation(conversation);
    const atBottom = first || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    draw();
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
    if (arrived.length > 0) announce(arrived);
    element.setAttribute('aria-busy', 'false');
    void markRead();
    return true;
  }

  /** What shows in a visible thread is read: the list's row loses its unread count. */
  async function markRead() {
    const newest = messages.at(-1);
    if (!newest || document.hidden || newest.id <= readUpTo) return;
    readUpTo = newest.id;
    const result = await api.markRead(id, newest.id);
    if (closed) return;
    // The list reads its row again, after the mark: a poll answered meanwhile may have counted it unread still.
    if (result.ok) onChanged(id, undefined);
    else readUpTo = ''; // Marked at the next refresh.
  }

  /** Speaks the messages that came since the last refresh: who wrote each and what it shows. */
  function announce(arrived) {
    const person = personName(conversation);
    const said = arrived.map((m) => {
      const content = drawn.get(m.id)?.el.querySelector('.message__bubble')?.textContent?.trim();
      return `${authorLabel(m, person)}: ${content || 'a message'}`;
    });
    announcer.textContent = said.join('. ');
  }

  /** Older messages on demand: one page, from the button. */
  function loadOlder() {
    return whileBusy(older, fetchOlder);
  }

  /** Puts one page of older messages in front, the reader kept in place; resolves to false when none came. */
  async function fetchOlder() {
    const oldest = messages[0];
    if (!oldest) return false;
    const result = await api.messages(id, { limit: PAGE_SIZE, before: oldest.id });
    if (closed) return false;
    if (!result.ok) return failed(result.error);
    hasOlder = result.value.messages.length === PAGE_SIZE;
    messages = prependMessages(messages, result.value.messages);
    // The reader stays on the message they were reading: the distance to the bottom is what does not change.
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const focused = document.activeElement === older;
    draw();
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
    // Hidden at the first message: the focus goes to it rather than to the top of the page.
    const first = focused && older.hidden ? log.firstElementChild : null;
    first?.setAttribute('tabindex', '-1');
    first?.focus();
    return true;
  }

  /**
   * Takes the reader to the message a reply quotes (`quote`, its button), loading older pages until it is there. Ids
   * sort by time: past the oldest loaded message, or once nothing older is left, it is not in the thread any more.
   */
  async function goTo(messageId, quote) {
    const outcome = await whileBusy(quote, async () => {
      while (!drawn.has(messageId) && hasOlder && messages[0]?.id > messageId) {
        if (!(await whileBusy(older, fetchOlder))) return 'failed';
      }
      return drawn.has(messageId) ? 'found' : 'gone';
    });
    if (closed) return;
    if (outcome === 'found') reveal(drawn.get(messageId).el);
    if (outcome !== 'gone') return;
    // Nowhere to go: the quote stays, no longer a way there.
    quote.setAttribute('aria-disabled', 'true');
    announcer.textContent = 'The message this replies to is no longer in the conversation.';
  }

  /** Returns false, for the poller to back off. */
  function failed(error) {
    if (error.status === 401) return false;
    element.setAttribute('aria-busy', 'false');
    if (error.status === 404) {
      showInstead('missing', h('p', { class: 'empty' }, 'This conversation does not exist (any more).'));
      return false;
    }
    notices.show({ key: 'thread', tone: 'error', text: `Could not load the conversation. ${describeError(error)}` });
    // Never loaded: an empty header would leave no way back on a narrow screen. The polls go on.
    if (conversation === undefined) {
      const text = 'The conversation could not be loaded yet.';
      showInstead('unloaded', h('p', { class: 'empty', dataset: { testid: 'thread-unavailable' } }, text));
    }
    return false;
  }

  /**
   * The way back and `paragraph` in place of the conversation, drawn once for each `kind`: the polls that follow would
   * take the focus from the way back each time.
   */
  function showInstead(kind, paragraph) {
    if (instead === kind) return;
    instead = kind;
    header.backOnly();
    composer.element.hidden = true;
    log.replaceChildren(paragraph);
  }

  function draw() {
    const person = personName(conversation);
    const wanted = new Set(messages.map((m) => m.id));
    for (const [key, entry] of drawn) {
      if (!wanted.has(key)) {
        entry.el.remove();
        drawn.delete(key);
      }
    }
    messages.forEach((message, index) => {
      // What it shows beyond its data changes too: a name found later.
      const signature = `${rowSignature(message)} ${person}`;
      let entry = drawn.get(message.id);
      if (!entry || entry.signature !== signature) {
        const el = renderMessage(message, { person, goTo });
        if (entry) replaceKeepingFocus(entry.el, el);
        entry = { el, signature };
        drawn.set(message.id, entry);
      }
      // "now" becomes "5 min": its text alone changes, so the log does not announce the message again.
      setText(entry.el.querySelector('.message__meta time'), shortTime(message.created_at));
      if (log.children[index] !== entry.el) log.insertBefore(entry.el, log.children[index] ?? null);
    });
    older.hidden = !hasOlder;
    if (messages.length === 0) log.replaceChildren(h('p', { class: 'empty' }, 'No messages yet.'));
    else log.querySelector(':scope > .empty')?.remove();
  }

  /**
   * A message drawn again (its status changed, an edit, a reaction) keeps the focus on the control it was on, and its
   * Edited list open if it was.
   */
  function replaceKeepingFocus(before, after) {
    const focusable = (el) => [...el.querySelectorAll('a[href], button, summary')];
    const at = focusable(before).indexOf(document.activeElement);
    const edits = after.querySelector('details');
    if (edits && before.querySelector('details')?.open) edits.open = true;
    before.replaceWith(after);
    if (at >= 0) focusable(after)[at]?.focus({ preventScroll: true });
  }

  return {
    element,
    start: () => refresh(),
    refresh,
    /** Into the messages: the next Tab reaches their links, then the reply box. */
    focus: () => scroller.focus({ preventScroll: true }),
    teamChanged: () => header.redraw(),
    /** The pages were read again: the reply box says whether this one's page can send. */
    pagesChanged: () => conversation && composer.setConversation(conversation),
    close() {
      closed = true;
      composer.close();
    },
  };
}
