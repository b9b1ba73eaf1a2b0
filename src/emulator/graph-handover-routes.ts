import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { findConversation, findRecipientConversation, threadOwner } from './conversation.ts';
import { authenticatePage } from './graph-auth.ts';
import { invalidParam, isGraphError, sendGraphError } from './graph-errors.ts';
import { graphParams, stringParam } from './graph-params.ts';
import { passThread, releaseThread, requestThread, takeThread } from './handover.ts';
import { MESSAGING_ACCESS } from './page-access.ts';
import { PAGE_INBOX_APP_ID } from './platform-constants.ts';
import { policyErrors } from './send-policy.ts';
import type { Conversation, PageRecord } from './state-types.ts';
import { parseRecipient } from './validate-send.ts';

type Node = { Params: { node: string } };
type Handover = (input: {
  page: PageRecord;
  conversation: Conversation;
  appId: string;
  metadata?: string;
  params: Record<string, unknown>;
}) => ReturnType<typeof invalidParam> | undefined;

/**
 * Handover protocol (messenger-platform.md §7). Conversation Routing semantics are approximated:
 * null owner = the page's default app; any app subscribed to the page may take the thread.
 */
export const graphHandoverRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  async function handle(request: FastifyRequest<Node>, reply: FastifyReply, action: Handover) {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: MESSAGING_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const recipient = parseRecipient(params);
    if (isGraphError(recipient)) return sendGraphError(reply, recipient);
    const conversation = findRecipientConversation(ctx.state, target.page.id, recipient);
    if (!conversation) return sendGraphError(reply, invalidParam('No matching user found', 2018001));
    const metadata = stringParam(params, 'metadata');
    if (metadata !== undefined && metadata.length > 1000)
      return sendGraphError(reply, invalidParam('Length of param metadata must be less than or equal to 1000'));
    const error = action({
      page: target.page,
      conversation,
      appId: target.appId,
      params,
      ...(metadata === undefined ? {} : { metadata }),
    });
    return error ? sendGraphError(reply, error) : { success: true };
  }

  const isOwner = (input: { page: PageRecord; conversation: Conversation; appId: string }) =>
    threadOwner(input.conversation, input.page) === input.appId;

  app.post<Node>('/:node/pass_thread_control', (request, reply) =>
    handle(request, reply, (input) => {
      if (!isOwner(input)) return policyErrors.notThreadOwner();
      const targetApp = stringParam(input.params, 'target_app_id');
      if (!targetApp) return invalidParam('The parameter target_app_id is required');
      if (targetApp === input.appId) return invalidParam('param target_app_id cannot be the app that owns the thread');
      if (targetApp !== PAGE_INBOX_APP_ID && !input.page.subscribed.has(targetApp)) {
        return invalidParam(`param target_app_id ${targetApp} is not an app connected to this page`);
      }
      passThread(ctx, input, targetApp, input.metadata);
      return undefined;
    }),
  );

  app.post<Node>('/:node/take_thread_control', (request, reply) =>
    handle(request, reply, (input) => {
      if (!input.page.subscribed.has(input.appId) && input.page.app_id !== input.appId)
        return policyErrors.notThreadOwner();
      takeThread(ctx, input, input.appId, input.metadata);
      return undefined;
    }),
  );

  app.post<Node>('/:node/request_thread_control', (request, reply) =>
    handle(request, reply, (input) => {
      if (isOwner(input)) return invalidParam('This app already owns the thread');
      requestThread(ctx, input, input.appId, input.metadata);
      return undefined;
    }),
  );

  app.post<Node>('/:node/release_thread_control', (request, reply) =>
    handle(request, reply, (input) => {
      if (!isOwner(input)) return policyErrors.notThreadOwner();
      releaseThread(input);
      return undefined;
    }),
  );

  app.get<Node>('/:node/thread_owner', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: MESSAGING_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const psid = stringParam(params, 'recipient');
    if (!psid) return sendGraphError(reply, invalidParam('The parameter recipient is required'));
    const conversation = findConversation(ctx.state, target.page.id, psid);
    if (!conversation) return sendGraphError(reply, invalidParam('No matching user found', 2018001));
    return { data: [{ thread_owner: { app_id: threadOwner(conversation, target.page) } }] };
  });

  app.get<Node>('/:node/secondary_receivers', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: MESSAGING_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const data = [...target.page.subscribed.keys()]
      .filter((appId) => appId !== target.page.app_id)
      .map((appId) => ({ id: appId, name: ctx.state.apps.get(appId)?.name ?? '' }));
    return { data };
  });
};
