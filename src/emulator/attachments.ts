import type { EmulatorContext } from './context.ts';
import { type GraphError, invalidParam, isGraphError } from './graph-errors.ts';
import { isRecord } from './graph-params.ts';
import { numericId } from './ids.ts';
import { ATTACHMENT_TTL_MS } from './platform-constants.ts';
import type { AttachmentRecord, StoredFile } from './state-types.ts';
import { fileUrl } from './urls.ts';

/** Keeps an uploaded file in memory; it is served at `/_emulator/files/:id` (and `/_emulator/files/:id/:name`). */
export function storeFile(ctx: EmulatorContext, file: Omit<StoredFile, 'id'>): StoredFile {
  const stored = { id: numericId(16), ...file };
  ctx.state.files.set(stored.id, stored);
  return stored;
}

/** A reusable attachment of a page (Attachment Upload API, `is_reusable`). */
export function saveAttachment(
  ctx: EmulatorContext,
  attachment: { page_id: string; type: string; url: string },
): AttachmentRecord {
  const record = { id: numericId(16), ...attachment, created_at: ctx.clock.now() };
  ctx.state.attachments.set(record.id, record);
  return record;
}

/** An attachment id must be this page's and younger than 90 days (§3.5). */
export function findAttachment(ctx: EmulatorContext, pageId: string, id: string): AttachmentRecord | GraphError {
  const record = ctx.state.attachments.get(id);
  if (!record || record.page_id !== pageId)
    return invalidParam(`Attachment ${id} does not exist or does not belong to this page`);
  if (ctx.clock.now() - record.created_at > ATTACHMENT_TTL_MS) return invalidParam(`Attachment ${id} has expired`);
  return record;
}

/** An upload Graph refuses for its content type (messenger-platform.md §3.5): audio must be sent as `audio/*`. */
export function uploadTypeError(type: string, mime: string): GraphError | undefined {
  if (type !== 'audio' || mime.startsWith('audio/')) return undefined;
  return invalidParam('Audio attachments must be uploaded with an audio/* content type', 2018047);
}

/**
 * Resolves the media of a validated message for the thread: a file uploaded with the request gets
 * a URL (and an attachment id if `is_reusable`), an `attachment_id` gets its URL added beside it so
 * the chat page can show it, and a reusable URL gets an attachment id.
 */
export function resolveMessageMedia(
  ctx: EmulatorContext,
  target: { pageId: string; origin: string; file?: Omit<StoredFile, 'id'> },
  message: Record<string, unknown>,
): { message: Record<string, unknown>; attachmentId?: string } | GraphError {
  const attachment = message.attachment;
  if (!isRecord(attachment)) return { message };
  const payload = isRecord(attachment.payload) ? { ...attachment.payload } : {};
  if (attachment.type === 'template') return resolveMediaTemplate(ctx, target.pageId, message, attachment, payload);
  if (target.file) {
    const refused = uploadTypeError(String(attachment.type), target.file.mime);
    if (refused) return refused;
    payload.url = fileUrl(target.origin, storeFile(ctx, target.file));
  }
  let attachmentId: string | undefined;
  if (payload.attachment_id !== undefined) {
    const record = findAttachment(ctx, target.pageId, String(payload.attachment_id));
    if (isGraphError(record)) return record;
    payload.url = record.url;
  } else if (payload.is_reusable === true && typeof payload.url === 'string') {
    attachmentId = saveAttachment(ctx, { page_id: target.pageId, type: String(attachment.type), url: payload.url }).id;
  }
  const resolved = { message: { ...message, attachment: { ...attachment, payload } } };
  return attachmentId ? { ...resolved, attachmentId } : resolved;
}

function resolveMediaTemplate(
  ctx: EmulatorContext,
  pageId: string,
  message: Record<string, unknown>,
  attachment: Record<string, unknown>,
  payload: Record<string, unknown>,
): { message: Record<string, unknown> } | GraphError {
  const element = Array.isArray(payload.elements) ? payload.elements[0] : undefined;
  if (payload.template_type !== 'media' || !isRecord(element) || element.attachment_id === undefined)
    return { message };
  const record = findAttachment(ctx, pageId, String(element.attachment_id));
  if (isGraphError(record)) return record;
  const elements = [{ ...element, url: record.url }];
  return { message: { ...message, attachment: { ...attachment, payload: { ...payload, elements } } } };
}
