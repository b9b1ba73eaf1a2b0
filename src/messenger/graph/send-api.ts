import type { SendRequest } from '../send-types.ts';
import type { GraphError, GraphFailureKind } from './graph-error.ts';
import { isRecord, toId } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import { type GraphFailure, type GraphResult, missingField } from './graph-result.ts';
import { createSendBatches } from './send-batches.ts';
import type { GraphUsage } from './usage.ts';

/** What became of one Send API call; switch on `status` exhaustively. */
export type SendOutcome =
  | { status: 'sent'; message_id?: string; recipient_id?: string; attachment_id?: string; usage?: GraphUsage }
  | {
      status: 'retry';
      error: GraphError;
      kind: 'transient' | 'rate_limited';
      /** From X-Business-Use-Case-Usage's `estimated_time_to_regain_access` (or `Retry-After`) when given. */
      retry_after_ms?: number;
      usage?: GraphUsage;
    }
  | {
      status: 'failed';
      error: GraphError;
      kind: Exclude<GraphFailureKind, 'transient' | 'rate_limited'>;
      usage?: GraphUsage;
    };

/** Media a page can upload once and reuse by `attachment_id` (messenger-platform.md §3.5). */
export interface AttachmentUpload {
  type: 'image' | 'video' | 'audio' | 'file';
  /** A public URL Graph fetches; the upload is saved as reusable. */
  url: string;
}

export interface SendApi {
  /**
   * `POST /{version}/me/messages` with the request as JSON, or as a request of a Graph batch (its objects as JSON in a
   * form) when batched sends are on (`createSendApi`). Never throws for Graph or network failures.
   * A timeout, or a request of a batch Graph did not finish (`null`), becomes `retry` although Graph may have
   * delivered the message: callers that must not send twice should treat it as possibly sent. To a chat-plugin guest
   * (`recipient.user_ref`), Graph answers without `recipient_id` and sends no echo (messenger-platform.md §2.2, §3.9).
   */
  send(token: string, body: SendRequest): Promise<SendOutcome>;
  /** `POST /{version}/me/message_attachments` with `{message: {attachment: {type, payload: {url, is_reusable}}}}`. */
  uploadAttachment(token: string, upload: AttachmentUpload): Promise<GraphResult<{ attachment_id: string }>>;
}

/**
 * Send API calls over the shared requester. With `batchSends`, the sends of one turn of the event loop go out as
 * Graph batch requests (`send-batches.ts`); a send Graph may download media for (an attachment by URL, a card with an
 * image) always goes alone, so a slow download delays no one else's reply.
 */
export function createSendApi(graph: GraphRequester, options: { batchSends?: boolean } = {}): SendApi {
  const callAlone = (token: string, json: SendRequest) =>
    graph.call({ method: 'POST', path: '/me/messages', token, json });
  const callBatched = options.batchSends ? createSendBatches(graph, callAlone) : undefined;
  return {
    async send(token, body) {
      const res = await (callBatched && !downloadsMedia(body) ? callBatched : callAlone)(token, body);
      if (!res.ok) return toOutcome(res);
      const data = isRecord(res.body) ? res.body : {};
      const sent: Extract<SendOutcome, { status: 'sent' }> = { status: 'sent' };
      const messageId = toId(data.message_id);
      const recipientId = toId(data.recipient_id);
      const attachmentId = toId(data.attachment_id);
      if (messageId !== undefined) sent.message_id = messageId;
      if (recipientId !== undefined) sent.recipient_id = recipientId;
      if (attachmentId !== undefined) sent.attachment_id = attachmentId;
      if (res.usage) sent.usage = res.usage;
      return sent;
    },

    async uploadAttachment(token, upload) {
      const json = { message: { attachment: { type: upload.type, payload: { url: upload.url, is_reusable: true } } } };
      const res = await graph.call({ method: 'POST', path: '/me/message_attachments', token, json });
      if (!res.ok) return res;
      const attachmentId = isRecord(res.body) ? toId(res.body.attachment_id) : undefined;
      if (attachmentId === undefined) return missingField(res.status, 'attachment_id');
      return { ok: true, attachment_id: attachmentId };
    },
  };
}

/** Whether Graph may download media for this send while it answers: an attachment by URL, a card's image. */
function downloadsMedia(body: SendRequest): boolean {
  const attachment = 'message' in body ? body.message.attachment : undefined;
  if (!attachment) return false;
  if ('url' in attachment.payload) return true;
  const { payload } = attachment;
  return 'template_type' in payload && payload.template_type === 'generic' && payload.elements.some((e) => e.image_url);
}

function toOutcome(failure: GraphFailure): SendOutcome {
  const { error, kind, usage, retry_after_ms } = failure;
  if (kind === 'transient' || kind === 'rate_limited') {
    const retry: SendOutcome = { status: 'retry', error, kind };
    if (retry_after_ms !== undefined) retry.retry_after_ms = retry_after_ms;
    if (usage) retry.usage = usage;
    return retry;
  }
  return usage ? { status: 'failed', error, kind, usage } : { status: 'failed', error, kind };
}
