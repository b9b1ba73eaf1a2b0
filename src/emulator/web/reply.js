/**
 * Replies, as in Messenger: a Reply button beside each bubble, a bar above the composer naming the
 * message being answered, and the quote drawn above a bubble that answers another message.
 */
import { createComposerBar } from './composer-bar.js';
import { h, icon } from './dom.js';
import { REPLY } from './icons.js';
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
  const bar = createComposerBar(root, { onCancel, testid: 'reply', cancelLabel: 'Cancel reply' });
  return {
    show: (item, to) => bar.show(itemMid(item), { to: ['Replying to ', h('strong', {}, to)], preview: summary(item) }),
    take() {
      const mid = bar.take();
      return mid === undefined ? {} : { reply_to: { mid } };
    },
    cancel: bar.cancel,
  };
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
