/**
 * The inside of one bubble row: text, media, stickers, templates and postbacks, for both sides.
 * `actions` carries what interactive parts call back: `{postback(title, payload)}`.
 */
import { h, icon } from './dom.js';
import { FILE, LIKE } from './icons.js';
import { picture } from './picture.js';
import { renderTemplate } from './templates.js';

/** The Messenger "like" thumbs-up sticker the composer sends. */
export const LIKE_STICKER_ID = 369239263222822;

/** One element per visible part of `item`'s message (a text, each attachment, a sticker...). */
export function renderParts(item, actions) {
  if (item.postback) return [textBubble(item.postback.title || item.postback.payload || 'Postback')];
  const message = item.message ?? {};
  const parts = [];
  const sticker = stickerOf(message);
  if (sticker) return [renderSticker(sticker)];
  if (message.attachment) parts.push(renderAttachment(message.attachment, actions));
  for (const attachment of message.attachments ?? []) parts.push(renderAttachment(attachment, actions));
  if (typeof message.text === 'string' && message.text !== '') parts.unshift(textBubble(message.text));
  if (parts.length === 0) parts.push(h('div', { class: 'bubble bubble--muted' }, 'Unsupported message'));
  return parts;
}

/** A short text for previews and accessible labels. */
export function summary(item) {
  if (item.postback) return item.postback.title ?? 'Postback';
  const m = item.message ?? {};
  if (m.text) return m.text;
  if (m.sticker_id !== undefined) return 'Sticker';
  const type = m.attachment?.payload?.template_type ?? m.attachment?.type ?? m.attachments?.[0]?.type;
  return type ? `Sent ${type === 'generic' ? 'a card' : `a ${type}`}` : 'Message';
}

function textBubble(text) {
  return h('div', { class: 'bubble bubble--text', dataset: { testid: 'bubble-text' } }, linkify(text));
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/** Text nodes with http(s) URLs turned into links that open in a new tab. */
function linkify(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    nodes.push(text.slice(last, match.index));
    nodes.push(h('a', { href: match[0], target: '_blank', rel: 'noopener noreferrer' }, match[0]));
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  return nodes;
}

/** `{id, url?}` when the message is a sticker: `message.sticker_id` or a sticker-carrying attachment. */
function stickerOf(message) {
  const found = message.attachments?.find((a) => a.type === 'sticker' || a.payload?.sticker_id !== undefined);
  const id = message.sticker_id ?? found?.payload?.sticker_id;
  return id === undefined ? undefined : { id, url: found?.payload?.url };
}

function renderSticker({ id, url }) {
  if (String(id) === String(LIKE_STICKER_ID)) {
    return h(
      'div',
      { class: 'sticker sticker--like', role: 'img', 'aria-label': 'Like', dataset: { testid: 'sticker-like' } },
      icon(LIKE),
    );
  }
  const label = `Sticker ${id}`;
  if (url) return h('img', { class: 'sticker sticker--image', src: url, alt: label, dataset: { testid: 'sticker' } });
  return h(
    'div',
    { class: 'sticker', role: 'img', 'aria-label': label, dataset: { testid: 'sticker' } },
    '\u{1F5BC}\ufe0f',
  );
}

function renderAttachment(attachment, actions) {
  if (attachment.type === 'template') return renderTemplate(attachment.payload ?? {}, actions);
  const url = attachment.payload?.url ?? attachment.url;
  if (!url) {
    const id = attachment.payload?.attachment_id;
    return h('div', { class: 'bubble bubble--muted' }, `${attachment.type} attachment${id ? ` ${id}` : ''}`);
  }
  return renderMedia(attachment.type, url);
}

/** An image, video, audio player or file chip for `url`. */
export function renderMedia(type, url) {
  const testid = `attachment-${type}`;
  switch (type) {
    case 'image':
      return h(
        'a',
        { class: 'media media--image', href: url, target: '_blank', rel: 'noopener noreferrer', dataset: { testid } },
        picture(url, 'Image'),
      );
    case 'video':
      return h('video', {
        class: 'media media--video',
        src: url,
        controls: true,
        preload: 'metadata',
        dataset: { testid },
      });
    case 'audio':
      return h('audio', {
        class: 'media media--audio',
        src: url,
        controls: true,
        preload: 'none',
        dataset: { testid },
      });
    default:
      return h(
        'a',
        { class: 'bubble file-chip', href: url, target: '_blank', rel: 'noopener noreferrer', dataset: { testid } },
        icon(FILE, 'file-chip__icon'),
        h('span', { class: 'file-chip__name' }, fileName(url)),
      );
  }
}

function fileName(url) {
  try {
    const last = new URL(url, location.href).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : 'File';
  } catch {
    return 'File';
  }
}
