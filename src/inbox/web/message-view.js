/**
 * One message of a thread: who wrote it, when, its parts (content.js), the person's reaction to it and what they wrote
 * before an edit, and for outgoing ones where it stands.
 */
import { describeContent, MEDIA_LABELS, quoteOf } from './content.js';
import { h } from './dom.js';
import { authorLabel, describeStatus, fullTime, shortTime } from './format.js';
import { picture } from './picture.js';

/**
 * `person` is the person's display name. `goTo(id, quote)`, when given, takes the reader to the message of that id:
 * a quote of a stored message is then a button that calls it.
 */
export function renderMessage(message, { person, goTo }) {
  const outgoing = message.direction === 'out';
  const status = describeStatus(message);
  const time = message.created_at;
  return h(
    'article',
    {
      class: `message message--${outgoing ? 'out' : 'in'} message--${message.author}`,
      dataset: { testid: 'message', id: message.id, direction: message.direction, author: message.author },
      'data-status': message.status,
      'aria-label': `${authorLabel(message, person)}, ${fullTime(time)}`,
    },
    h(
      'div',
      { class: 'message__meta' },
      h('span', { class: 'message__author', dataset: { testid: 'message-author' } }, authorLabel(message, person)),
      h('time', { datetime: new Date(time).toISOString(), title: fullTime(time) }, shortTime(time)),
    ),
    h(
      'div',
      { class: 'message__bubble' },
      message.reply_to ? renderQuote(message, person, goTo) : null,
      describeContent(message).map(renderPart),
    ),
    message.edited_at && renderEdits(message),
    message.reaction &&
      h(
        'div',
        { class: 'message__reaction', dataset: { testid: 'message-reaction' }, title: `${person} reacted` },
        h('span', { 'aria-hidden': 'true' }, message.reaction),
        h('span', { class: 'visually-hidden' }, `${person} reacted ${message.reaction}`),
      ),
    status &&
      h(
        'div',
        { class: `message__status tone-${status.tone}`, dataset: { testid: 'message-status' } },
        status.label,
        message.error && status.tone === 'error' ? h('span', { class: 'message__error' }, `: ${message.error}`) : null,
      ),
  );
}

/** "Edited", as Messenger marks it; opened, the texts the message had before, oldest first. */
function renderEdits(message) {
  const earlier = Array.isArray(message.content?.earlier_texts) ? message.content.earlier_texts : [];
  return h(
    'details',
    { class: 'message__edits', dataset: { testid: 'message-edits' } },
    h(
      'summary',
      { title: `Edited ${fullTime(message.edited_at)}` },
      'Edited',
      // The time the title shows the mouse, for the keyboard and screen readers.
      h('span', { class: 'visually-hidden' }, ` ${fullTime(message.edited_at)}`),
    ),
    h(
      'ol',
      { 'aria-label': 'Before the edits, oldest first' },
      earlier.map((text) => h('li', { dir: 'auto' }, text)),
    ),
  );
}

/**
 * The message a person's reply quotes: who wrote it and its first part, or that it is not stored here. A stored one is
 * a button to it; one not stored has nowhere to go and stays a plain quote.
 */
function renderQuote(message, person, goTo) {
  const quoted = message.reply_to.message;
  const author = quoted ? authorLabel(quoted, person) : undefined;
  const text = quoteOf(message) ?? 'to a message not stored here';
  const parts = [
    h('span', { class: 'message__quote-author' }, author ? `↩ ${author}` : '↩ Reply'),
    h('span', { class: 'message__quote-text', dir: 'auto' }, text),
  ];
  if (!quoted?.id || !goTo)
    return h('blockquote', { class: 'message__quote', dataset: { testid: 'message-quote' } }, parts);
  const button = h(
    'button',
    {
      type: 'button',
      class: 'message__quote message__quote--link',
      dataset: { testid: 'message-quote' },
      // The name starts with what the reader is offered, and keeps the quote itself (it would otherwise replace it).
      'aria-label': `Go to the message this replies to: ${author}, ${text}`,
      onclick: () => goTo(quoted.id, button),
    },
    parts,
  );
  return button;
}

/** One part of content.js's description as elements; every URL there is http(s) already. */
export function renderPart(part) {
  switch (part.kind) {
    case 'text':
      return h('p', { class: 'part-text', dir: 'auto' }, part.text);
    case 'image':
      return h(
        'a',
        { class: 'part-image', href: part.url, target: '_blank', rel: 'noopener noreferrer' },
        picture(part.url, part.alt),
      );
    case 'sticker':
      return h('img', {
        class: 'part-sticker',
        src: part.url,
        alt: part.alt,
        loading: 'lazy',
        referrerpolicy: 'no-referrer',
      });
    case 'media':
      return h(
        'a',
        { class: `part-media part-media--${part.media}`, href: part.url, target: '_blank', rel: 'noopener noreferrer' },
        h('span', { class: 'part-media__kind' }, MEDIA_LABELS[part.media] ?? 'Link'),
        part.label,
      );
    case 'location':
      return h(
        'a',
        { class: 'part-media part-media--location', href: part.url, target: '_blank', rel: 'noopener noreferrer' },
        h('span', { class: 'part-media__kind' }, 'Location'),
        `${part.label === 'Location' ? '' : `${part.label} · `}${part.lat.toFixed(5)}, ${part.long.toFixed(5)}`,
      );
    case 'card':
      return h(
        'div',
        { class: 'part-card' },
        part.imageUrl && picture(part.imageUrl, ''),
        h('div', { class: 'part-card__title' }, part.url ? link(part.url, part.title) : part.title),
        part.subtitle && h('div', { class: 'part-card__subtitle' }, part.subtitle),
        buttons(part.buttons),
      );
    case 'buttons':
      return h(
        'div',
        { class: 'part-card' },
        h('p', { class: 'part-text', dir: 'auto' }, part.text),
        buttons(part.buttons),
      );
    case 'quick-replies':
      return h(
        'ul',
        { class: 'part-quick-replies', 'aria-label': 'Quick replies offered' },
        part.options.map((label) => h('li', {}, label)),
      );
    default:
      return h('p', { class: 'part-note' }, part.text ?? '');
  }
}

function buttons(list) {
  if (!list.length) return null;
  return h(
    'ul',
    { class: 'part-buttons', 'aria-label': 'Buttons' },
    list.map((b) => h('li', {}, b.url ? link(b.url, b.label) : b.label)),
  );
}

function link(url, text) {
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}
