import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ConversationStore } from '../conversations/ports.ts';
import type { ThreadTake } from '../messenger/thread-taking.ts';
import { retryingConflicts } from '../storage/conflicts.ts';
import { findConversation, listConversations, listMessages, markRead, readerOf } from '../storage/inbox-queries.ts';
import { cancelBotSends, threadElsewhereAfterTake } from '../storage/outbox-repository.ts';
import type { Database } from '../storage/schema.ts';
import { findUser } from '../storage/user-repository.ts';
import { ApiError } from './errors.ts';
import { parseRequest } from './request-parsing.ts';

export interface ConversationRoutesDeps {
  db: Kysely<Database>;
  store: ConversationStore;
  /** Starts sending what was queued for the conversation. */
  wake: (conversationId: string) => void;
  /** The conversation's routing or flag changed here: processing must not go on with what it knew. */
  changed: (conversationId: string) => void;
  /** Something only the inboxes show changed (the assignee): they are told, processing is not. */
  announce: (conversationId: string) => void;
  /** Takes the person's thread back for the page's app from the app that holds it (thread-taking.ts). */
  takeThread: (input: { pageId: string; personId: string }) => Promise<ThreadTake>;
  now: () => number;
}

const listQuery = z
  .object({
    page_id: z.string().optional(),
    routing: z.enum(['bot', 'human', 'paused']).optional(),
    flagged: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** A user id, `me` (the caller) or `none` (assigned to nobody). */
    assignee: z.string().min(1).max(100).optional(),
    /** Text to find in the person's name, their id or the messages. */
    q: z.string().trim().max(200, 'search for at most 200 characters').optional(),
    ids: z
      .string()
      .transform((list) => list.split(',').filter((id) => id !== ''))
      .pipe(z.array(z.string()).min(1, 'name at least one conversation id').max(200, 'name at most 200 ids'))
      .optional(),
    /** Default 50, or as many as `ids` names. */
    limit: z.coerce.number().int().min(1).max(200).optional(),
    /** Digits only: coerced, an empty value would be 0, a cursor before everything, and the list would seem to end. */
    before: z
      .string()
      .regex(/^\d+$/, 'give the last row’s last_message_at, in digits')
      .transform(Number)
      .pipe(z.number().int())
      .optional(),
    before_id: z.string().min(1).optional(),
  })
  // `before` alone would skip the conversations sharing that time: the cursor is both, or nothing.
  .refine((q) => (q.before === undefined) === (q.before_id === undefined), {
    message: 'pass before and before_id together (the last row’s last_message_at and id)',
    path: ['before_id'],
  })
  .transform(({ before, before_id, limit, q, ...filter }) => ({
    ...filter,
    ...(q ? { search: q } : {}),
    limit: limit ?? filter.ids?.length ?? 50,
    before: before !== undefined && before_id !== undefined ? { last_message_at: before, id: before_id } : undefined,
  }));
const messagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  /** Messages older than this message id. */
  before: z.string().min(1).optional(),
});
const newMessage = z.object({
  text: z.string().trim().min(1).max(2000),
  /** For proactive business updates outside the 24-hour window. HUMAN_AGENT is chosen automatically for agents. */
  tag: z.enum(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']).optional(),
});
/** `Idempotency-Key` of a reply (optional): a request repeated with the same key queues nothing. */
const idempotencyKey = z.string().trim().min(1).max(200).optional();
const routingChange = z.object({ routing: z.enum(['bot', 'human']) });
/** The newest message of the conversation the user has seen. */
const readMark = z.object({ up_to: z.string().min(1).max(100) });
const flagChange = z.object({
  flagged: z.boolean(),
  /** Blank is no reason: the default is given. */
  reason: z
    .string()
    .trim()
    .max(200)
    .transform((reason) => reason || undefined)
    .optional(),
});
const conversationParams = z.object({ id: z.string().min(1) });
/** A user id, or null for nobody. */
const assigneeChange = z.object({ user_id: z.string().min(1).max(100).nullable() });

/**
 * Assigns the conversation to `userId` (null: to nobody), in one statement that checks the user exists, so that one
 * removed meanwhile is never assigned. `unassignedOnly`: unless it is someone's already. False when nothing changed.
 */
async function assign(
  db: Kysely<Database>,
  conversationId: string,
  userId: string | null,
  { unassignedOnly = false, at }: { unassignedOnly?: boolean; at?: number },
): Promise<boolean> {
  let update = db
    .updateTable('conversations')
    .set({ assignee_id: userId, ...(at === undefined ? {} : { updated_at: at }) })
    .where('id', '=', conversationId);
  if (unassignedOnly) update = update.where('assignee_id', 'is', null);
  if (userId !== null)
    update = update.where(({ exists, selectFrom }) =>
      exists(selectFrom('users').select('users.id').where('users.id', '=', userId)),
    );
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The conversations of the inbox: list, read, reply by hand, take over and give back, flags. */
export const conversationRoutes: FastifyPluginAsync<ConversationRoutesDeps> = async (app, deps) => {
  const existing = async (params: unknown) => {
    const { id } = parseRequest(conversationParams, params);
    const conversation = await findConversation(deps.db, id, deps.now());
    if (!conversation) throw new ApiError('SB_NOT_FOUND', `no conversation ${id}`);
    return conversation;
  };

  app.get('/api/conversations', async (request) => {
    const { assignee, ...filter } = parseRequest(listQuery, request.query);
    return {
      data: await listConversations(deps.db, {
        ...filter,
        assignee: assignee === 'me' ? (request.user?.id ?? 'none') : assignee,
        now: deps.now(),
        reader: request.user && (await readerOf(deps.db, request.user.id)),
      }),
    };
  });

  app.get('/api/conversations/:id/messages', async (request) => {
    const { limit, before } = parseRequest(messagesQuery, request.query);
    const conversation = await existing(request.params);
    return { data: { conversation, messages: await listMessages(deps.db, conversation.id, limit, before) } };
  });

  app.post('/api/conversations/:id/messages', async (request, reply) => {
    const conversation = await existing(request.params);
    const body = parseRequest(newMessage, request.body);
    // Node joins repeated headers with ", ": two keys would pass as one made of both, and one key written twice as
    // another than the retry's. The distinct values are read instead.
    const keys = [...new Set(request.raw.headersDistinct['idempotency-key'])];
    const key = idempotencyKey.safeParse(keys.length > 1 ? null : keys[0]);
    if (!key.success) throw new ApiError('SB_BAD_REQUEST', 'Idempotency-Key: give one value of 1 to 200 characters');
    const queued = deps.store.queueOutgoing(
      {
        conversation_id: conversation.id,
        page_id: conversation.page_id,
        recipient_id: conversation.contact_external_id,
        author: body.tag ? 'system' : 'agent',
        tag: body.tag,
        steps: [{ kind: 'message', message: { text: body.text }, preview: body.text }],
        client_key: key.data,
        sender_id: request.user?.id,
      },
      deps.now(),
    );
    // Woken whatever the outcome: a commit whose answer was lost (an error here, or the first of two requests with one
    // key) may have queued the reply all the same.
    const outcome = await queued.finally(() => deps.wake(conversation.id));
    // A client that retries (a timeout, a dropped connection) with the same key sends the reply once.
    if (outcome === 'repeated') return reply.code(200).send({ data: { queued: false, repeated: true } });
    return reply.code(202).send({ data: { queued: true } });
  });

  app.post('/api/conversations/:id/routing', async (request) => {
    const conversation = await existing(request.params);
    const { routing } = parseRequest(routingChange, request.body);
    // Another app holds the person's thread: the assistant would answer nothing (their messages come on standby), so
    // it is taken back first. Refused, nothing changes.
    const seen = routing === 'bot' ? conversation.thread_elsewhere_since : null;
    if (seen !== null) {
      const personId = conversation.contact_external_id;
      const taken = await deps.takeThread({ pageId: conversation.page_id, personId });
      if (!taken.ok)
        throw new ApiError(
          'SB_THREAD_NOT_TAKEN',
          `Facebook did not give the thread back from the app that has it, so the assistant would not answer: ${taken.error}`,
        );
    }
    const now = deps.now();
    const cancelled = await retryingConflicts(() =>
      deps.db.transaction().execute(async (tx) => {
        const changed = await tx
          .updateTable('conversations')
          .set({
            routing,
            paused_until: null,
            updated_at: now,
            ...(seen !== null && { thread_elsewhere_since: threadElsewhereAfterTake(seen) }),
          })
          .where('id', '=', conversation.id)
          .where((eb) =>
            eb.or([
              eb('routing', '<>', routing),
              ...(seen !== null ? [eb('thread_elsewhere_since', 'is not', null)] : []),
            ]),
          )
          .executeTakeFirst();
        if (routing !== 'human' || changed.numUpdatedRows === 0n) return 0;
        // Whoever takes it over answers it from now on, unless it is someone's already.
        if (request.user) await assign(tx, conversation.id, request.user.id, { unassignedOnly: true });
        // Taken from the bot: what it queued goes. Already with people (the bot's own hand-over), its last words stay.
        return cancelBotSends(tx, conversation.id, now);
      }),
    );
    deps.changed(conversation.id);
    // Whose it is now, which a take-over may have changed: the inbox shows it at once.
    const after = await findConversation(deps.db, conversation.id, now);
    return {
      data: {
        id: conversation.id,
        // Who has it now: another app may have taken the thread again meanwhile.
        routing: after?.routing ?? routing,
        paused_until: after?.paused_until ?? null,
        thread_elsewhere_since: after?.thread_elsewhere_since ?? null,
        cancelled_bot_messages: cancelled,
        assignee_id: after?.assignee_id ?? null,
        assignee_name: after?.assignee_name ?? null,
      },
    };
  });

  app.post('/api/conversations/:id/flag', async (request) => {
    const conversation = await existing(request.params);
    const { flagged, reason } = parseRequest(flagChange, request.body);
    const changes = {
      flagged: flagged ? 1 : 0,
      flag_reason: flagged ? (reason ?? 'flagged by an agent') : null,
      updated_at: deps.now(),
    };
    await deps.db.updateTable('conversations').set(changes).where('id', '=', conversation.id).execute();
    deps.changed(conversation.id);
    return { data: { id: conversation.id, flagged, flag_reason: changes.flag_reason } };
  });

  app.post('/api/conversations/:id/assignee', async (request) => {
    const conversation = await existing(request.params);
    const { user_id } = parseRequest(assigneeChange, request.body);
    const assignee = user_id === null ? undefined : await findUser(deps.db, user_id);
    const assigned = (!user_id || assignee) && (await assign(deps.db, conversation.id, user_id, { at: deps.now() }));
    // Unknown, or removed between the two statements: nothing was assigned.
    if (!assigned) throw new ApiError('SB_BAD_REQUEST', `user_id: no user ${user_id}`);
    deps.announce(conversation.id);
    return {
      data: { id: conversation.id, assignee_id: user_id, assignee_name: assignee?.name ?? assignee?.email ?? null },
    };
  });

  /** The signed-in user has read the conversation up to a message: its row's unread count goes down to what came after. */
  app.post('/api/conversations/:id/read', async (request, reply) => {
    const conversation = await existing(request.params);
    const { up_to } = parseRequest(readMark, request.body);
    const message = await deps.db
      .selectFrom('messages')
      .select('id')
      .where('id', '=', up_to)
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirst();
    if (!message) throw new ApiError('SB_BAD_REQUEST', 'up_to: name a message of this conversation');
    const user = request.user;
    if (user) await markRead(deps.db, user.id, conversation.id, message.id, deps.now());
    return reply.code(204).send();
  });
};
