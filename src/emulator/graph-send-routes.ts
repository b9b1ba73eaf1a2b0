import type { FastifyPluginAsync } from 'fastify';
import { resolveMessageMedia, saveAttachment, storeFile, uploadTypeError } from './attachments.ts';
import type { EmulatorContext } from './context.ts';
import { findItem, findRecipientConversation, itemChanged, setStatus, setTyping } from './conversation.ts';
import { authenticatePage } from './graph-auth.ts';
import { type GraphError, invalidParam, isGraphError, sendGraphError } from './graph-errors.ts';
import { graphParams, isRecord, objectParam } from './graph-params.ts';
import { readGraphMultipart } from './multipart-body.ts';
import { MESSAGING_ACCESS } from './page-access.ts';
import { deliverPageMessage } from './page-delivery.ts';
import { checkSendPolicy, policyErrors } from './send-policy.ts';
import type { Conversation, PageRecord } from './state-types.ts';
import { fileUrl, originOf } from './urls.ts';
import { validateMediaPayload } from './validate-message.ts';
import { parseSendRequest, type SendCommand } from './validate-send.ts';

type Node = { Params: { node: string } };

const noMatchingUser = () => invalidParam('No matching user found', 2018001);

/** Send API and Attachment Upload API (messenger-platform.md §3.1–3.5, §3.9). */
export const graphSendRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.post<Node>('/:node/messages', async (request, reply) => {
    const upload = await readGraphMultipart(request);
    if (isGraphError(upload)) return sendGraphError(reply, upload);
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: MESSAGING_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const command = parseSendRequest(params, {
      rejectLongQuickReplyTitles: ctx.options.rejectLongQuickReplyTitles,
      fileProvided: upload.file !== undefined,
    });
    if (isGraphError(command)) return sendGraphError(reply, command);
    // A page Meta blocked sends nothing to anyone, sender actions included.
    if (target.page.messaging_block) return sendGraphError(reply, policyErrors.pageBlocked());
    const conversation = findRecipientConversation(ctx.state, target.page.id, command.recipient);
    if (!conversation) return sendGraphError(reply, noMatchingUser());
    const policy = checkSendPolicy(ctx, { page: target.page, conversation, appId: target.appId, command });
    if (policy) return sendGraphError(reply, policy);
    // Sends addressed by user_ref answer without recipient_id and are not echoed (§2.2, §3.9).
    const byId = 'id' in command.recipient ? { recipient_id: command.recipient.id } : undefined;
    if (command.kind === 'action') {
      const error = runSenderAction(ctx, { page: target.page, conversation }, command);
      return error ? sendGraphError(reply, error) : { ...byId };
    }
    const origin = originOf(ctx, request);
    const media = resolveMessageMedia(
      ctx,
      { pageId: target.page.id, origin, ...(upload.file ? { file: upload.file } : {}) },
      command.message,
    );
    if (isGraphError(media)) return sendGraphError(reply, media);
    const item = deliverPageMessage(
      ctx,
      { page: target.page, conversation },
      {
        appId: target.appId,
        message: media.message,
        ...(command.tag ? { tag: command.tag } : {}),
        ...(command.personaId ? { personaId: command.personaId } : {}),
        echo: byId !== undefined,
      },
    );
    return {
      ...byId,
      message_id: item.id,
      ...(media.attachmentId ? { attachment_id: media.attachmentId } : {}),
    };
  });

  app.post<Node>('/:node/message_attachments', async (request, reply) => {
    const upload = await readGraphMultipart(request);
    if (isGraphError(upload)) return sendGraphError(reply, upload);
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: MESSAGING_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const message = objectParam(params, 'message');
    if (isGraphError(message)) return sendGraphError(reply, message);
    const attachment = isRecord(message) ? message.attachment : undefined;
    if (!isRecord(attachment))
      return sendGraphError(reply, invalidParam('The parameter message[attachment] is required'));
    const type = String(attachment.type);
    if (!['image', 'audio', 'video', 'file'].includes(type)) {
      return sendGraphError(
        reply,
        invalidParam('param message[attachment][type] must be one of {IMAGE, AUDIO, VIDEO, FILE}'),
      );
    }
    const payloadError = validateMediaPayload(
      attachment.payload,
      'message[attachment][payload]',
      upload.file !== undefined,
    );
    if (payloadError) return sendGraphError(reply, payloadError);
    const refused = upload.file && uploadTypeError(type, upload.file.mime);
    if (refused) return sendGraphError(reply, refused);
    const payload = isRecord(attachment.payload) ? attachment.payload : {};
    if (payload.attachment_id !== undefined)
      return sendGraphError(reply, invalidParam('param message[attachment][payload][url] is required'));
    const url = upload.file ? fileUrl(originOf(ctx, request), storeFile(ctx, upload.file)) : String(payload.url);
    return { attachment_id: saveAttachment(ctx, { page_id: target.page.id, type, url }).id };
  });
};

/** typing_on/off, mark_seen (the person's messages show as seen), react/unreact (on a person's message). */
function runSenderAction(
  ctx: EmulatorContext,
  target: { page: PageRecord; conversation: Conversation },
  command: Extract<SendCommand, { kind: 'action' }>,
): GraphError | undefined {
  const { conversation } = target;
  switch (command.action) {
    case 'typing_on':
    case 'typing_off':
      setTyping(ctx.state, conversation, command.action === 'typing_on', ctx.options.typingTimeoutMs);
      return undefined;
    case 'mark_seen': {
      const unseen = conversation.items.filter((item) => item.from === 'person' && item.status !== 'read');
      setStatus(ctx.state, conversation, unseen, 'read');
      return undefined;
    }
    case 'react':
    case 'unreact': {
      const item = command.payload ? findItem(conversation, command.payload.message_id) : undefined;
      if (item?.from !== 'person') return invalidParam('param payload[message_id] is not a message of this person');
      if (command.action === 'react') item.reaction = { emoji: command.payload?.reaction ?? '', by: 'page' };
      else delete item.reaction;
      itemChanged(ctx.state, conversation, item);
      return undefined;
    }
  }
}
