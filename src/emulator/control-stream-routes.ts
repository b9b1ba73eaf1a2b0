import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { controlError } from './control-errors.ts';
import type { ConversationEvent } from './conversation.ts';
import { findThread, windowState } from './conversation.ts';
import type { PagePolicyEvent } from './policy-enforcement.ts';

type Params = { Params: { page_id: string; psid: string } };

const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /_emulator/conversations/:page_id/:psid/stream`: Server-Sent Events `item` (a ThreadItem,
 * again with the same id when it changes), `status` ({id, status}), `typing` ({on}), `window` (a
 * WindowState, when the person (re)opens it and when the clock is advanced), `profile` (the page's
 * Messenger profile), `page` (`{messaging_block}`, when Meta blocks or unblocks the page) and `reset` (the emulator
 * went back to its seed). Each connection starts with `hello`, and `reset` carries the same: `{generation}`, which
 * changes at each reset and start, so a page that connects after one (or reconnects) knows it happened.
 */
export const controlStreamRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
    open.clear();
  });

  app.get<Params>('/conversations/:page_id/:psid/stream', (request, reply) => {
    const { page_id: pageId, psid } = request.params;
    if (!ctx.state.pages.has(pageId) || !findThread(ctx.state, pageId, psid)) {
      return controlError(reply, 'SB_EMULATOR_NOT_FOUND', `no PSID or guest user_ref ${psid} on page ${pageId}`);
    }
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    response.write(': connected\n\n');
    send('hello', { generation: ctx.state.generation });
    const onConversation = (event: ConversationEvent) => {
      if (event.page_id === pageId && event.psid === psid) send(event.type, event.data);
    };
    const onProfile = (event: { page_id: string; profile: unknown }) => {
      if (event.page_id === pageId) send('profile', event.profile);
    };
    const onPage = (event: PagePolicyEvent) => {
      if (event.page_id === pageId) send('page', { messaging_block: event.messaging_block });
    };
    const onClock = (now: number) => {
      const conversation = findThread(ctx.state, pageId, psid);
      if (conversation) send('window', windowState(conversation, now));
    };
    const onReset = () => send('reset', { generation: ctx.state.generation });
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    ctx.state.bus.on('conversation', onConversation);
    ctx.state.bus.on('profile', onProfile);
    ctx.state.bus.on('page', onPage);
    ctx.state.bus.on('clock', onClock);
    ctx.state.bus.on('reset', onReset);
    open.add(response);
    response.on('close', () => {
      clearInterval(keepAlive);
      ctx.state.bus.off('conversation', onConversation);
      ctx.state.bus.off('profile', onProfile);
      ctx.state.bus.off('page', onPage);
      ctx.state.bus.off('clock', onClock);
      ctx.state.bus.off('reset', onReset);
      open.delete(response);
    });
  });
};
