import type { AssistantReply, AssistantTurn } from '../assistants/assistant.ts';
import { assistantInputOf } from './assistant-input.ts';
import type { ConversationServiceDeps } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import type { Contact, Conversation, PageRuntime, Session, TurnResult } from './ports.ts';

interface PersonTurnArgs extends ConversationServiceDeps {
  eventId: string;
  event: InboundEvent;
  page: PageRuntime;
  contact: Contact;
  conversation: Conversation;
  lastInboundAt: number;
}

const HISTORY_FOR_MODELS = 20;

/** Runs the page's assistant on a person's message or postback and says what to store and send. */
export async function runPersonTurn(args: PersonTurnArgs): Promise<TurnResult> {
  const { event, page, contact, conversation, clock, store } = args;
  const now = clock.now();
  const base: TurnResult = {
    event_id: args.eventId,
    event_status: 'done',
    conversation: { id: conversation.id, changes: { last_inbound_at: args.lastInboundAt } },
  };
  const routing =
    conversation.routing === 'paused' && (conversation.paused_until ?? 0) <= now ? 'bot' : conversation.routing;
  if (routing !== 'bot') return base; // A person owns the conversation: the message waits in the inbox.
  if (routing !== conversation.routing)
    Object.assign(base.conversation?.changes ?? {}, { routing, paused_until: null });

  const assistant = args.assistantFor(page.id);
  const timeoutMinutes =
    (assistant as { sessionTimeoutMinutes?: number }).sessionTimeoutMinutes ?? page.settings.session_timeout_minutes;
  const existing = await store.findSession(conversation.id);
  const expired = !existing || now - existing.last_activity_at > timeoutMinutes * 60_000;
  const session: Session = expired
    ? { id: existing?.id ?? '', context: {}, state: {}, started_at: now, last_activity_at: now }
    : { ...existing, last_activity_at: now };
  const result: TurnResult = { ...base, session: { conversation_id: conversation.id, session } };

  if (!page.settings.auto_replies) {
    if (session.state.away_sent) return result;
    session.state = { ...session.state, away_sent: true };
    return withResponses(result, args, [{ type: 'text', text: page.settings.away_message }]);
  }

  let input = assistantInputOf(event);
  if (!input) return result;
  if (expired && !existing && page.settings.welcome_on_first_message && input.kind !== 'welcome')
    input = { kind: 'welcome' };
  const turn: AssistantTurn = {
    conversation: { id: conversation.id, page_id: page.id },
    contact: { id: contact.id, profile: contact.profile },
    page: { id: page.id, name: page.name },
    input,
    context: session.context,
    new_session: expired,
    history: assistant.kind === 'llm' ? await store.recentHistory(conversation.id, HISTORY_FOR_MODELS) : [],
  };
  const reply = await assistant.reply(turn);
  session.context = reply.context ?? session.context;
  return withResponses(applyHandover(result, reply), args, reply.responses);
}

/** `connect_to_agent` or a failed assistant hands the conversation to people, flagged with the reason. */
function applyHandover(result: TurnResult, reply: AssistantReply): TurnResult {
  const handover = reply.responses.find((r) => r.type === 'connect_to_agent');
  const reason =
    handover?.type === 'connect_to_agent' ? (handover.reason ?? 'asked for a person') : reply.failure?.reason;
  if (!reason) return result;
  const changes = {
    ...result.conversation?.changes,
    flagged: true,
    flag_reason: reason,
    ...(handover ? { routing: 'human' as const } : {}),
  };
  return { ...result, conversation: { id: result.conversation?.id as string, changes } };
}

function withResponses(result: TurnResult, args: PersonTurnArgs, responses: AssistantReply['responses']): TurnResult {
  const steps = args.renderer.render(responses, args.page);
  if (steps.length === 0) return result;
  return {
    ...result,
    outgoing: {
      conversation_id: args.conversation.id,
      page_id: args.page.id,
      recipient_id: args.contact.external_id,
      author: 'bot',
      steps,
    },
  };
}
