/**
 * The scrolling message list. Rows are keyed by item id and only rebuilt when their item changes,
 * so a playing video or an open reaction picker survives live updates; grouping, status marks,
 * reactions and reply quotes are reapplied on every update because they depend on other items.
 */
import { avatar } from './avatar.js';
import { h, icon, replaceChildren } from './dom.js';
import { renderEditButton, renderEditedLabel } from './edit.js';
import { CHECK_FILLED, CHECK_OUTLINE } from './icons.js';
import { renderReactions, renderReactionTool } from './reactions.js';
import { renderParts, summary } from './render-message.js';
import { renderQuote, renderReplyButton } from './reply.js';
import {
  bubbleItems,
  isEditable,
  itemMid,
  layoutRows,
  reactionsByMid,
  statusCarrierId,
  toMillis,
} from './thread-model.js';
import { hoverLabel, separatorLabel } from './time.js';

/**
 * `root` is the scroll container; `actions` are `{postback(title, payload), react(item, name, emoji),
 * reply(item), edit(item)}`.
 */
export function createThreadView({ root, actions }) {
  const intro = h('div', { class: 'thread__intro' });
  const rows = h('div', { class: 'thread__rows' });
  const typing = h('div', { class: 'row row--page row--first row--last typing-row', hidden: true });
  root.append(intro, rows, typing);
  let cache = new Map();
  let pageKey = '';
  let introKey = '';

  /**
   * `intro` is `{key, render()}`: the thread's top (page header, welcome screen), redrawn only when
   * its key changes so focus and screen readers are not disturbed by unrelated updates. `now` is the
   * emulator's clock, which decides which texts still have their Edit button and what the time separators say.
   */
  function update({ page, intro: introSpec, items, typing: isTyping, now }) {
    const stick = nearBottom(root);
    const key = `${page.id}|${page.picture_url}`;
    if (key !== pageKey) {
      cache = new Map();
      rows.replaceChildren();
      replaceChildren(typing, avatarCell(page), typingBubble(page.name));
      pageKey = key;
    }
    if (introSpec.key !== introKey) {
      replaceChildren(intro, introSpec.render());
      introKey = introSpec.key;
    }
    const appended = renderRows(items, page, now);
    const statusId = statusCarrierId(items);
    const reactions = reactionsByMid(items);
    const bubblesByMid = new Map(bubbleItems(items).map((item) => [itemMid(item), item]));
    for (const [id, entry] of cache) {
      if (entry.kind !== 'bubble') continue;
      // A bubble in the thread has reached Messenger: without a later status it shows as sent.
      applyStatus(entry, id === statusId ? (entry.item.status ?? 'sent') : undefined, page);
      applyReactions(entry, reactions.get(itemMid(entry.item)));
      applyQuote(entry, bubblesByMid, page);
      applyEditButton(entry, isEditable(entry.item, now), actions);
    }
    typing.hidden = !isTyping;
    if (stick || appended.some((item) => item.from === 'person')) {
      root.scrollTop = root.scrollHeight;
    }
  }

  /** Brings the DOM in line with the layout; returns the items whose rows were created. */
  function renderRows(items, page, now) {
    const created = [];
    const next = new Map();
    let prev = null;
    for (const row of layoutRows(items)) {
      const sig = row.kind === 'bubble' ? contentSignature(row.item) : separatorLabel(row.timestamp, now);
      let entry = cache.get(row.key);
      if (!entry || entry.sig !== sig) {
        const node = row.kind === 'bubble' ? bubbleRow(row.item, page, actions) : separator(sig);
        if (entry) entry.node.replaceWith(node);
        else if (row.kind === 'bubble') created.push(row.item);
        entry = { kind: row.kind, sig, node, item: row.item };
      }
      if (row.kind === 'bubble') {
        entry.item = row.item;
        entry.node.classList.toggle('row--first', row.first);
        entry.node.classList.toggle('row--last', row.last);
      }
      const expectedPrev = prev ? prev.node : null;
      if (entry.node.parentNode !== rows || entry.node.previousSibling !== expectedPrev) {
        rows.insertBefore(entry.node, expectedPrev ? expectedPrev.nextSibling : rows.firstChild);
      }
      next.set(row.key, entry);
      prev = entry;
    }
    for (const [key, entry] of cache) if (!next.has(key)) entry.node.remove();
    cache = next;
    return created;
  }

  return { update };
}

/**
 * What the bubble's DOM depends on: everything but the status, the reaction and the Edit button,
 * which are patched in place.
 */
function contentSignature(item) {
  const { status: _status, reaction: _reaction, editable_until: _until, edits_left: _left, ...content } = item;
  return JSON.stringify(content);
}

function bubbleRow(item, page, actions) {
  const fromPage = item.from === 'page';
  const parts = h('div', { class: 'row__parts' }, renderParts(item, actions));
  const at = toMillis(item.timestamp);
  const time = h('time', { class: 'row__time', datetime: new Date(at).toISOString() }, hoverLabel(at));
  const quote = item.message?.reply_to ? h('div', { class: 'row__quote' }) : null;
  // A postback is a button the person tapped, not a message one can reply to.
  const tools = item.postback
    ? null
    : h(
        'div',
        { class: 'row__tools' },
        fromPage ? renderReactionTool(item, actions) : null,
        renderReplyButton(item, actions),
      );
  const edited = item.edit_count > 0;
  return h(
    'div',
    {
      class: `row row--${item.from}`,
      dataset: { testid: 'message', from: item.from, id: item.id },
      'aria-label': `${fromPage ? page.name : 'You'}: ${summary(item)}${edited ? ' (edited)' : ''}`,
    },
    fromPage ? avatarCell(page) : tools,
    h(
      'div',
      { class: 'row__body' },
      quote,
      edited ? renderEditedLabel() : null,
      parts,
      h('div', { class: 'row__reactions' }),
      time,
    ),
    fromPage ? tools : h('div', { class: 'row__status' }),
  );
}

function avatarCell(page) {
  return h('div', { class: 'row__avatar' }, avatar(page.picture_url, page.name, 28));
}

function typingBubble(name) {
  return h(
    'div',
    { class: 'row__body' },
    h(
      'div',
      {
        class: 'bubble typing',
        role: 'status',
        'aria-label': `${name} is typing`,
        dataset: { testid: 'typing-indicator' },
      },
      h('span', { class: 'typing__dot' }),
      h('span', { class: 'typing__dot' }),
      h('span', { class: 'typing__dot' }),
    ),
  );
}

function separator(label) {
  return h('div', { class: 'separator', role: 'separator' }, label);
}

const STATUS_LABEL = { sent: 'Sent', delivered: 'Delivered', read: 'Seen' };

function applyStatus(entry, status, page) {
  const cell = entry.node.querySelector('.row__status');
  if (!cell || cell.dataset.status === (status ?? '')) return;
  cell.dataset.status = status ?? '';
  if (!status) return cell.replaceChildren();
  const mark =
    status === 'read'
      ? avatar(page.picture_url, page.name, 14, 'status-avatar')
      : icon(status === 'delivered' ? CHECK_FILLED : CHECK_OUTLINE, 'status-icon');
  replaceChildren(
    cell,
    h(
      'span',
      { class: 'status', title: STATUS_LABEL[status] ?? status, dataset: { testid: 'message-status', status } },
      mark,
    ),
  );
}

function applyReactions(entry, reactions) {
  const cell = entry.node.querySelector('.row__reactions');
  const sig = reactions ? [...reactions.values()].join('') : '';
  if (cell.dataset.sig === sig) return;
  cell.dataset.sig = sig;
  replaceChildren(cell, renderReactions(reactions));
  entry.node.classList.toggle('row--reacted', sig !== '');
  entry.node.dataset.myReaction = reactions?.get('person') ?? '';
}

/** Adds or removes the Edit button of the person's text: it goes once the 15 minutes or the 5 edits are used up. */
function applyEditButton(entry, editable, actions) {
  const tools = entry.node.querySelector('.row__tools');
  const button = tools?.querySelector('.edit-button');
  if (!tools || editable === Boolean(button)) return;
  if (button) return button.remove();
  tools.prepend(renderEditButton(() => actions.edit(entry.item)));
}

/** The quote above a reply; redrawn when the quoted message arrives, changes or goes. */
function applyQuote(entry, bubblesByMid, page) {
  const cell = entry.node.querySelector('.row__quote');
  if (!cell) return;
  const quoted = bubblesByMid.get(entry.item.message.reply_to.mid);
  const sig = JSON.stringify([page.name, quoted?.from, quoted && summary(quoted)]);
  if (cell.dataset.sig === sig) return;
  cell.dataset.sig = sig;
  replaceChildren(cell, renderQuote(entry.item, quoted, page.name));
}

function nearBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}
