/**
 * Replies, as in Messenger: a Reply button beside each bubble, a bar above the composer naming the
 * message being answered, and the quote drawn above a bubble that answers another message.
 */
import { h, icon, replaceChildren } from './dom.js';
import { CLOSE, REPLY } from './icons.js';
import { summary } from './render-message.js';
import { itemMid } from './thread-model.js';

/** The Reply button of one bubble; `actions.reply(item)` starts the reply. */
export function renderReplyButton(item, actions) {
  return h(
    'button',
    {
      type: 'button',
      class: 'row__tool',
      'aria-label': 'Reply',
      dataset: { testid: 'reply-button' },
      onclick: () => actions.reply(item),
    },
    icon(REPLY),
  );
}

/**
 * The bar at the top of `root` (the composer area) while the person replies to a message.
 * `show(item, to)` names the message and who sent it (`to`: the page's name or "yourself");
 * `take()` ends the reply and returns what the next message's body adds: `{reply_to: {mid}}`, or
 * `{}` when there is none; `cancel()` ends it. Escape in `root` or the close button cancels, then
 * runs `onCancel()`.
 */
export function createReplyBar(root, { onCancel }) {
  // A live region, so a screen reader says what the composer now answers while focus stays in it.
  const slot = h('div', { class: 'reply-slot', role: 'status' });
  root.prepend(slot);
  let mid;

  function show(item, to) {
    mid = itemMid(item);
    replaceChildren(
      slot,
      h(
        'div',
        { class: 'reply-bar', dataset: { testid: 'reply-bar' } },
        h(
          'div',
          { class: 'reply-bar__text' },
          h('div', { class: 'reply-bar__to' }, 'Replying to ', h('strong', {}, to)),
          h('div', { class: 'reply-bar__preview', dataset: { testid: 'reply-preview' } }, summary(item)),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'reply-bar__close',
            'aria-label': 'Cancel reply',
            dataset: { testid: 'cancel-reply' },
            onclick: cancelByPerson,
          },
          icon(CLOSE),
        ),
      ),
    );
  }
  function cancel() {
    mid = undefined;
    slot.replaceChildren();
  }
  function cancelByPerson() {
    cancel();
    onCancel();
  }
  function take() {
    const replyTo = mid === undefined ? {} : { reply_to: { mid } };
    cancel();
    return replyTo;
  }
  root.addEventListener('keydown', (e) => {
    // Escape in the persistent menu closes the menu, not the reply.
    if (e.key === 'Escape' && mid !== undefined && !e.target.closest('[role="menu"]')) cancelByPerson();
  });

  return { show, take, cancel };
}

/**
 * The quote above a bubble whose message has `reply_to`: who answered whom and the quoted
 * message's summary. `quoted` is that message's item, undefined when the thread lacks it.
 */
export function renderQuote(item, quoted, pageName) {
  return h(
    'div',
    { class: 'quote', dataset: { testid: 'bubble-quote' } },
    h('div', { class: 'quote__label' }, icon(REPLY, 'quote__icon'), quoteLabel(item, quoted, pageName)),
    h(
      'div',
      { class: quoted ? 'quote__text' : 'quote__text quote__text--missing' },
      quoted ? summary(quoted) : 'Original message not found',
    ),
  );
}

function quoteLabel(item, quoted, pageName) {
  const byPage = item.from === 'page';
  const by = byPage ? pageName : 'You';
  if (!quoted) return `${by} replied to a message`;
  if (quoted.from === item.from) return `${by} replied to ${byPage ? 'itself' : 'yourself'}`;
  return `${by} replied to ${byPage ? 'you' : pageName}`;
}
