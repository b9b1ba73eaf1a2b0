import { type GraphError, invalidParam } from './graph-errors.ts';
import { isRecord } from './graph-params.ts';
import { characters, isHttpUrl, maxLength, required, tooMany } from './validate-rules.ts';
import { validateTemplate } from './validate-templates.ts';

export interface MessageRules {
  /** Reject quick-reply titles over 20 characters instead of truncating them (Facebook truncates). */
  rejectLongQuickReplyTitles: boolean;
  /** A file came with the request (multipart `filedata`), so a media payload needs no url. */
  fileProvided: boolean;
}

const MESSAGE_KEYS = new Set(['text', 'attachment', 'quick_replies', 'metadata', 'sticker_id']);
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'file']);

/**
 * The Send API message object (messenger-platform.md §3.1, §3.4–3.6): exactly one of text,
 * attachment or sticker_id; text ≤ 2000; ≤ 13 quick replies; metadata ≤ 1000. Returns the
 * message as the person will see it (quick-reply titles truncated to 20) or the error.
 */
export function validateMessage(message: unknown, rules: MessageRules): Record<string, unknown> | GraphError {
  if (!isRecord(message)) return invalidParam('param message must be a JSON object');
  const unknownKey = Object.keys(message).find((key) => !MESSAGE_KEYS.has(key));
  if (unknownKey) return invalidParam(`param message[${unknownKey}] is not a valid field of message`);
  const kinds = ['text', 'attachment', 'sticker_id'].filter((key) => message[key] !== undefined);
  if (kinds.length === 0)
    return invalidParam('Message cannot be empty, must provide valid attachment or text', 2018034);
  if (kinds.length > 1) return invalidParam(`Only one of ${kinds.join(', ')} can be specified in message`);
  if (message.text !== undefined) {
    if (typeof message.text !== 'string' || message.text.trim().length === 0) {
      return invalidParam('Message cannot be empty, must provide valid attachment or text', 2018034);
    }
    if (characters(message.text) > 2000) return maxLength('message[text]', 2000);
  }
  if (message.sticker_id !== undefined && !/^\d+$/.test(String(message.sticker_id))) {
    return invalidParam('param message[sticker_id] must be a valid sticker id');
  }
  if (message.metadata !== undefined && (typeof message.metadata !== 'string' || characters(message.metadata) > 1000)) {
    return maxLength('message[metadata]', 1000);
  }
  if (message.attachment !== undefined) {
    const error = validateAttachment(message.attachment, rules);
    if (error) return error;
  }
  if (message.quick_replies === undefined) return { ...message };
  const quickReplies = validateQuickReplies(message.quick_replies, rules);
  return Array.isArray(quickReplies) ? { ...message, quick_replies: quickReplies } : quickReplies;
}

function validateAttachment(attachment: unknown, rules: MessageRules): GraphError | undefined {
  const path = 'message[attachment]';
  if (!isRecord(attachment)) return invalidParam(`param ${path} must be a JSON object`);
  const payload = attachment.payload;
  if (attachment.type === 'template') {
    return isRecord(payload) ? validateTemplate(payload, `${path}[payload]`) : required(`${path}[payload]`);
  }
  if (!MEDIA_TYPES.has(String(attachment.type))) {
    return invalidParam(`param ${path}[type] must be one of {IMAGE, AUDIO, VIDEO, FILE, TEMPLATE}`);
  }
  return validateMediaPayload(payload, `${path}[payload]`, rules.fileProvided);
}

/** A media payload: url (http/https) or attachment_id, not both; neither when a file is uploaded. */
export function validateMediaPayload(payload: unknown, path: string, fileProvided: boolean): GraphError | undefined {
  if (payload === undefined && fileProvided) return undefined;
  if (!isRecord(payload)) return required(path);
  if (payload.is_reusable !== undefined && typeof payload.is_reusable !== 'boolean') {
    return invalidParam(`param ${path}[is_reusable] must be a boolean`);
  }
  const hasUrl = payload.url !== undefined;
  const hasId = payload.attachment_id !== undefined;
  if (fileProvided)
    return hasUrl || hasId
      ? invalidParam(`param ${path} cannot have a url or attachment_id when a file is uploaded`)
      : undefined;
  if (hasUrl === hasId) return invalidParam(`param ${path} must have exactly one of url or attachment_id`);
  if (hasUrl && !isHttpUrl(payload.url)) return invalidParam(`param ${path}[url] must be a valid URL`);
  if (hasId && !/^\d+$/.test(String(payload.attachment_id)))
    return invalidParam(`param ${path}[attachment_id] is not a valid attachment id`);
  return undefined;
}

const QUICK_REPLY_TYPES = new Set(['text', 'user_email', 'user_phone_number']);

function validateQuickReplies(value: unknown, rules: MessageRules): Record<string, unknown>[] | GraphError {
  const path = 'message[quick_replies]';
  if (!Array.isArray(value) || value.length === 0) return required(path);
  if (value.length > 13) return tooMany(path, 13);
  const result: Record<string, unknown>[] = [];
  for (const [index, reply] of value.entries()) {
    const at = `${path}[${index}]`;
    if (!isRecord(reply)) return invalidParam(`param ${at} must be a JSON object`);
    if (!QUICK_REPLY_TYPES.has(String(reply.content_type))) {
      return invalidParam(`param ${at}[content_type] must be one of {TEXT, USER_PHONE_NUMBER, USER_EMAIL}`);
    }
    if (reply.content_type !== 'text') {
      result.push({ ...reply });
      continue;
    }
    const hasImage = reply.image_url !== undefined;
    if (hasImage && !isHttpUrl(reply.image_url)) return invalidParam(`param ${at}[image_url] must be a valid URL`);
    // A text quick reply always needs a title; only the payload may be empty when it has an image (§3.4).
    if (typeof reply.title !== 'string' || reply.title.length === 0) return required(`${at}[title]`);
    if (typeof reply.payload !== 'string' || (reply.payload.length === 0 && !hasImage))
      return required(`${at}[payload]`);
    if (characters(reply.payload) > 1000) return maxLength(`${at}[payload]`, 1000);
    if (characters(reply.title) > 20 && rules.rejectLongQuickReplyTitles) return maxLength(`${at}[title]`, 20);
    result.push({ ...reply, title: [...reply.title].slice(0, 20).join('') });
  }
  return result;
}
