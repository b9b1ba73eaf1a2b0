/**
 * What a stored message shows, as a list of parts the thread draws (message-view.js). Pure: no DOM, so it is unit
 * tested in Node. A message's `content` is what the gateway stored: for a person's message or a page echo, the
 * normalised event (`kind`, `text`, `attachments` of `{type, url, title, coordinates, sticker_id}`); for what the
 * gateway sent, the Messenger message object (`text`, `attachment`, `quick_replies`).
 *
 * Parts: `text {text}` · `image {url, alt}` · `sticker {url, alt}` · `media {media, url, label}` (video, audio, file,
 * link) · `location {label, lat, long, url}` · `card {title, subtitle, imageUrl, url, buttons}` · `buttons {text,
 * buttons}` · `quick-replies {options}` · `note {text}`. Buttons are `{label, url?}`. Every URL is http(s) or absent.
 */

import { referralSourceName } from './referral-sources.js';

/** The URL as a string when it is an http(s) URL, else undefined: no `javascript:` or `data:` link ever renders. */
export function safeUrl(value) {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The parts of one message, in reading order; never empty. */
export function describeContent(message) {
  const content = isObject(message.content) ? message.content : {};
  const parts = 'kind' in content ? eventParts(content, message) : sentParts(content);
  if (parts.length === 0) parts.push(fallbackPart(message));
  return parts;
}

/**
 * The line a reply shows of the message it quotes: its text, or what it holds ("Picture", "Video: menu.pdf"…);
 * undefined when the quoted message is not stored here (older than the gateway, or deleted).
 */
export function quoteOf(message) {
  const quoted = message.reply_to?.message;
  if (!isObject(quoted)) return undefined;
  const part = describeContent(quoted)[0];
  switch (part.kind) {
    case 'text':
    case 'note':
      return part.text;
    case 'image':
    case 'sticker':
      return part.alt;
    case 'media':
      return `${MEDIA_LABELS[part.media] ?? 'Link'}: ${part.label}`;
    case 'location':
      return part.label;
    case 'card':
      return part.title;
    case 'buttons':
      return part.text;
    default:
      return 'Message';
  }
}

/** A person's message, postback or other event, or an echo of the page's message. */
function eventParts(content, message) {
  switch (content.kind) {
    case 'message':
    case 'echo':
      return [...textPart(content.text), ...list(content.attachments).flatMap(attachmentParts)];
    case 'postback': {
      const tapped = `Tapped “${content.title || content.payload || 'a button'}”`;
      // A first entry through an ad or an m.me link: where the person came from, which nothing else shows.
      return [{ kind: 'note', text: isObject(content.referral) ? `${tapped}, ${cameFrom(content.referral)}` : tapped }];
    }
    case 'optin':
      return [{ kind: 'note', text: message.text || 'Opted in to messages' }];
    default:
      return message.text ? [{ kind: 'note', text: message.text }] : [];
  }
}

function cameFrom(referral) {
  const where = referralSourceName(referral.source);
  return typeof referral.ref === 'string' ? `from ${where} (ref ${referral.ref})` : `from ${where}`;
}

/** A Messenger message the gateway sent: text, one attachment, quick replies. */
function sentParts(content) {
  const parts = [];
  const attachment = isObject(content.attachment) ? content.attachment : undefined;
  if (attachment?.type === 'template') parts.push(...templateParts(attachment.payload));
  else parts.push(...textPart(content.text));
  if (attachment && attachment.type !== 'template') {
    const payload = isObject(attachment.payload) ? attachment.payload : {};
    parts.push(...attachmentParts({ type: attachment.type, url: payload.url, title: payload.title }));
  }
  const options = list(content.quick_replies).map(quickReplyLabel).filter(Boolean);
  if (options.length) parts.push({ kind: 'quick-replies', options });
  return parts;
}

/** One attachment, normalised (what the webhook gave) or sent (`{type, url}`). */
export function attachmentParts(attachment) {
  if (!isObject(attachment)) return [];
  const url = safeUrl(attachment.url);
  const title = typeof attachment.title === 'string' ? attachment.title : undefined;
  switch (attachment.type) {
    case 'image':
      return url ? [{ kind: 'image', url, alt: title ?? 'Picture' }] : [{ kind: 'note', text: 'Picture (no link)' }];
    case 'sticker':
      return url ? [{ kind: 'sticker', url, alt: 'Sticker' }] : [{ kind: 'note', text: 'Sticker' }];
    case 'video':
    case 'audio':
    case 'file':
      return [mediaPart(attachment.type, url, title)];
    case 'location':
      return [locationPart(attachment, url, title)];
    case 'template':
      return templateParts(attachment.payload);
    case 'fallback':
      return [mediaPart('link', url, title ?? 'Shared link')];
    default: {
      const name = attachment.channel_type ?? attachment.type ?? 'attachment';
      return [mediaPart('link', url, title ?? `Shared ${String(name).replaceAll('_', ' ')}`)];
    }
  }
}

/** What a media part is, as its link says it. */
export const MEDIA_LABELS = { video: 'Video', audio: 'Audio', file: 'File', link: 'Link' };

function mediaPart(media, url, title) {
  const label = title ?? fileName(url) ?? MEDIA_LABELS[media];
  return url ? { kind: 'media', media, url, label } : { kind: 'note', text: `${label} (no link)` };
}

function locationPart(attachment, url, title) {
  const c = isObject(attachment.coordinates)
    ? attachment.coordinates
    : isObject(attachment.payload?.coordinates)
      ? attachment.payload.coordinates
      : undefined;
  const lat = Number(c?.lat);
  const long = Number(c?.long);
  if (!c || !Number.isFinite(lat) || !Number.isFinite(long)) {
    return url ? { kind: 'media', media: 'link', url, label: title ?? 'Location' } : { kind: 'note', text: 'Location' };
  }
  const map = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${long}#map=16/${lat}/${long}`;
  return { kind: 'location', label: title ?? 'Location', lat, long, url: map };
}

/** Generic (cards), button and media templates; others show their type. */
function templateParts(payload) {
  if (!isObject(payload)) return [{ kind: 'note', text: 'Template' }];
  if (payload.template_type === 'button') {
    return [{ kind: 'buttons', text: String(payload.text ?? ''), buttons: list(payload.buttons).map(buttonOf) }];
  }
  if (payload.template_type === 'generic') {
    return list(payload.elements).map((element) => ({
      kind: 'card',
      title: String(element.title ?? ''),
      subtitle: typeof element.subtitle === 'string' ? element.subtitle : undefined,
      imageUrl: safeUrl(element.image_url),
      url: safeUrl(element.default_action?.url),
      buttons: list(element.buttons).map(buttonOf),
    }));
  }
  if (payload.template_type === 'media') {
    return list(payload.elements).flatMap((element) =>
      attachmentParts({ type: element.media_type === 'video' ? 'video' : 'image', url: element.url }),
    );
  }
  return [{ kind: 'note', text: `Template: ${String(payload.template_type ?? 'unknown').replaceAll('_', ' ')}` }];
}

/** A template button: `{label, url?}` (a web link keeps its URL; a postback or call shows its title). */
function buttonOf(button) {
  if (!isObject(button)) return { label: 'Button' };
  const label = String(button.title ?? button.type ?? 'Button');
  const url = button.type === 'web_url' ? safeUrl(button.url) : undefined;
  if (button.type === 'phone_number' && typeof button.payload === 'string') {
    return { label: `${label} (${button.payload})` };
  }
  return url ? { label, url } : { label };
}

function quickReplyLabel(reply) {
  if (!isObject(reply)) return undefined;
  if (reply.content_type === 'user_phone_number') return 'Phone number';
  if (reply.content_type === 'user_email') return 'Email';
  return typeof reply.title === 'string' ? reply.title : undefined;
}

/** The last segment of a URL's path (`invoice.pdf`), when it looks like a file's name. */
function fileName(url) {
  if (!url) return undefined;
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return /^[^./]+\.[A-Za-z0-9]{1,5}$/.test(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

function textPart(text) {
  return typeof text === 'string' && text !== '' ? [{ kind: 'text', text }] : [];
}

function fallbackPart(message) {
  return message.text ? { kind: 'text', text: message.text } : { kind: 'note', text: 'Message without text' };
}

function list(value) {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
