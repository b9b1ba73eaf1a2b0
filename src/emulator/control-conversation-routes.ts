import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.ts';
import { controlError, parseBody } from './control-errors.ts';
import { findThread, threadOwner, windowState } from './conversation.ts';
import { itemView } from './edit-rules.ts';
import { passThread, requestThread, takeThread } from './handover.ts';
import { deliverPageMessage, markRead } from './page-delivery.ts';
import { type PersonInput, personActs } from './person-actions.ts';
import { PAGE_INBOX_APP_ID } from './platform-constants.ts';
import type { Conversation, PageRecord } from './state-types.ts';
import { originOf } from './urls.ts';
import { httpUrl } from './validate-rules.ts';

type Params = { Params: { page_id: string; psid: string } };

const referral = z.record(z.string(), z.unknown());

const messageBody = z
  .object({
    text: z.string().min(1).optional(),
    quick_reply: z.object({ payload: z.string() }).optional(),
    attachments: z
      .array(z.object({ type: z.enum(['image', 'video', 'audio', 'file']), url: httpUrl() }))
      .min(1)
      .optional(),
    sticker_id: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
    postback: z.object({ title: z.string(), payload: z.string(), referral: referral.optional() }).optional(),
    get_started: z.literal(true).optional(),
    reaction: z
      .object({
        mid: z.string(),
        action: z.enum(['react', 'unreact']).default('react'),
        reaction: z.string().optional(),
        emoji: z.string().optional(),
      })
      .optional(),
    /** The person edits a text they sent: its mid and the new text. */
    edit: z
      .object({ mid: z.string().min(1), text: z.string().min(1) })
      .strict()
      .optional(),
    referral: referral.optional(),
    /** The person agrees to the page's marketing messages, or stops or resumes them (`status`). */
    optin: z
      .object({
        title: z.string().min(1).max(65),
        payload: z.string().min(1),
        status: z.enum(['STOP_NOTIFICATIONS', 'RESUME_NOTIFICATIONS']).optional(),
      })
      .strict()
      .optional(),
    /** The message of this thread the person replies to (swiped or long-pressed in Messenger). */
    reply_to: z
      .object({ mid: z.string().min(1) })
      .strict()
      .optional(),
  })
  // A key it does not know is refused: dropped, a test would believe it had sent it.
  .strict();

const KINDS = ['text', 'attachments', 'sticker_id', 'postback', 'get_started', 'reaction', 'edit', 'optin'] as const;

/** Exactly one thing per request; `referral` may come with `get_started` (a first-time entry). */
function toInput(body: z.output<typeof messageBody>): PersonInput | string {
  const kinds = KINDS.filter((key) => body[key] !== undefined);
  if (kinds.length === 0 && body.referral) return { kind: 'referral', referral: body.referral };
  if (kinds.length !== 1) return `send exactly one of ${KINDS.join(', ')}, referral`;
  if (body.referral && !body.get_started) return 'a referral comes alone or with get_started (a first entry)';
  if (body.quick_reply && body.text === undefined) return 'a quick_reply comes with its text';
  if (body.reply_to && (body.quick_reply || !(body.text ?? body.attachments ?? body.sticker_id)))
    return 'a reply_to comes with a text, attachments or a sticker (a quick reply answers the page, not a message)';
  const replyTo = body.reply_to ? { reply_to: body.reply_to } : {};
  if (body.text !== undefined)
    return { kind: 'text', text: body.text, ...(body.quick_reply ? { quick_reply: body.quick_reply } : replyTo) };
  if (body.attachments) return { kind: 'attachments', attachments: body.attachments, ...replyTo };
  if (body.sticker_id !== undefined) return { kind: 'sticker', sticker_id: String(body.sticker_id), ...replyTo };
  if (body.postback) return { kind: 'postback', ...body.postback };
  if (body.get_started) return { kind: 'get_started', ...(body.referral ? { referral: body.referral } : {}) };
  if (body.reaction) return { kind: 'reaction', ...body.reaction };
  if (body.edit) return { kind: 'edit', ...body.edit };
  if (body.optin) return { kind: 'optin', ...body.optin };
  return 'nothing to send';
}

/** The person's side of a conversation, as the chat page and tests drive it; `:psid` may be a guest's user_ref. */
export const controlConversationRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  function target(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
  ): { page: PageRecord; conversation: Conversation } | undefined {
    const page = ctx.state.pages.get(request.params.page_id);
    const conversation = page ? findThread(ctx.state, page.id, request.params.psid) : undefined;
    if (!page || !conversation) {
      const { psid, page_id } = request.params;
      controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no PSID or guest user_ref ${psid} on page ${page_id}`);
      return undefined;
    }
    return { page, conversation };
  }

  app.get<Params>('/conversations/:page_id/:psid', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const { conversation } = found;
    const window = windowState(conversation, ctx.clock.now());
    return {
      items: conversation.items.map(itemView),
      typing: conversation.typing,
      window_open: window.open,
      window,
      thread_owner_app_id: conversation.owner_app_id ?? found.page.app_id,
      blocked: conversation.blocked,
      page_messaging_block: found.page.messaging_block ?? null,
    };
  });

  app.post<Params>('/conversations/:page_id/:psid/messages', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const body = parseBody(messageBody, request.body, reply);
    if (!body) return reply;
    const input = toInput(body);
    if (typeof input === 'string') return controlError(reply, 'SB_EMULATOR_INVALID_REQUEST', input);
    const result = personActs(ctx, { ...found, origin: originOf(ctx, request) }, input);
    if (!result.ok)
      return controlError(
        reply,
        result.status === 404 ? 'SB_EMULATOR_NOT_FOUND' : 'SB_EMULATOR_CONFLICT',
        result.message,
      );
    return result.mid ? { mid: result.mid } : {};
  });

  app.post<Params>('/conversations/:page_id/:psid/read', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    return { read: markRead(ctx, found) };
  });

  app.post<Params>('/conversations/:page_id/:psid/page-inbox-reply', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const body = parseBody(z.object({ text: z.string().min(1).max(2000) }), request.body, reply);
    if (!body) return reply;
    const item = deliverPageMessage(ctx, found, { appId: PAGE_INBOX_APP_ID, message: { text: body.text } });
    return { mid: item.id };
  });

  app.post<Params>('/conversations/:page_id/:psid/block', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const body = parseBody(z.object({ blocked: z.boolean() }), request.body, reply);
    if (!body) return reply;
    found.conversation.blocked = body.blocked;
    return { blocked: body.blocked };
  });

  /** A human in the Page Inbox moves the thread: to an app (pass), or to the inbox itself (take). */
  app.post<Params>('/conversations/:page_id/:psid/thread-owner', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const body = parseBody(z.object({ app_id: z.string(), metadata: z.string().optional() }), request.body, reply);
    if (!body) return reply;
    if (body.app_id === PAGE_INBOX_APP_ID) takeThread(ctx, found, PAGE_INBOX_APP_ID, body.metadata);
    else if (ctx.state.apps.has(body.app_id)) passThread(ctx, found, body.app_id, body.metadata);
    else return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no app ${body.app_id}`);
    return { thread_owner_app_id: body.app_id };
  });

  /** A human in the Page Inbox asks the app that owns the thread for it: the owner gets `request_thread_control`. */
  app.post<Params>('/conversations/:page_id/:psid/thread-request', async (request, reply) => {
    const found = target(request, reply);
    if (!found) return reply;
    const body = parseBody(z.object({ metadata: z.string().optional() }), request.body, reply);
    if (!body) return reply;
    if (threadOwner(found.conversation, found.page) === PAGE_INBOX_APP_ID)
      return controlError(reply, 'SB_EMULATOR_CONFLICT', 'the Page Inbox owns the thread already');
    requestThread(ctx, found, PAGE_INBOX_APP_ID, body.metadata);
    return { requested: true };
  });
};
