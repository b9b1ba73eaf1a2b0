import type { Assistant, AssistantReply, AssistantTurn } from '../assistants/assistant.ts';
import type { GenericResponse } from '../assistants/responses.ts';
import { cutToFit, graphemes } from '../text/text-units.ts';
import { assistantInputOf } from './assistant-input.ts';
import type { ConversationServiceDeps } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import type { TextReading } from './policy/escalation.ts';
import {
  type Contact,
  type Conversation,
  currentRouting,
  type OutgoingStep,
  type PageRuntime,
  type Session,
  type TurnResult,
} from './ports.ts';
import { closedNotice, countFallback, escalationOf } from './turn-escalation.ts';

/**
 * One turn's own values, apart from the service's dependencies: with a copy of those in every turn's arguments, the
 * processing thread's scavenges promoted about 70 % more to the old generation (docs/benchmarks.md).
 */
interface PersonTurnArgs {
  eventId: string;
  event: InboundEvent;
  page: PageRuntime;
  contact: Contact;
  conversation: Conversation;
  session?: Session;
  lastInboundAt: number;
  /** When the person wrote (Facebook's stamp, never after the gateway stored it): a backlog keeps its sessions. */
  occurredAt: number;
  /** The message's text as the escalation checks read it, when that was done ahead of the turn. */
  reading?: TextReading;
}

/** Runs the page's assistant on a person's message or postback and says what to store and send. */
export async function runPersonTurn(deps: ConversationServiceDeps, args: PersonTurnArgs): Promise<TurnResult> {
  const { event, page, contact, conversation } = args;
  const { clock, store } = deps;
  const now = clock.now();
  const base: TurnResult = {
    event_id: args.eventId,
    event_status: 'done',
    conversation: { id: conversation.id, changes: { last_inbound_at: args.lastInboundAt } },
  };
  const routing = currentRouting(conversation, now);
  if (routing !== 'bot') return base; // A person owns the conversation: the message waits in the inbox.
  if (routing !== conversation.routing)
    Object.assign(base.conversation?.changes ?? {}, { routing, paused_until: null });

  const assistant = deps.assistantFor(page.id);
  const timeoutMinutes = assistant.sessionTimeoutMinutes ?? page.settings.session_timeout_minutes;
  const existing = args.session;
  let input = assistantInputOf(event, page.welcome_payload);
  // Never before the last activity: events of one person are handled in order, but their times may tie or skew.
  const wroteAt = Math.max(args.occurredAt, existing?.last_activity_at ?? 0);
  const timedOut = !existing || wroteAt - existing.last_activity_at > timeoutMinutes * 60_000;
  // Get Started (a "start over" menu item, a thread opened again) starts the assistant afresh whatever the time since;
  // the gateway's own memory of the person (misses in a row, recent messages, the away notice sent) stays.
  const restarted = !timedOut && input?.kind === 'welcome';
  const expired = timedOut || restarted;
  // A session starts now on the clock messages are stored by: the history is what was stored since, and what turns
  // before this one stored (handled late, or still running when this event came) belongs to the session before.
  const session: Session =
    !existing || timedOut
      ? { id: existing?.id ?? '', context: {}, state: {}, started_at: now, last_activity_at: wroteAt }
      : { ...existing, last_activity_at: wroteAt, ...(restarted && { context: {}, started_at: now }) };
  const result: TurnResult = { ...base, session: { conversation_id: conversation.id, session } };

  // "The same message three times in ten minutes" counts when the messages came: a backlog handled at once is no repeat.
  const escalation = input ? escalationOf(input, session, page.settings, wroteAt, args.reading) : undefined;
  if (escalation) flag(result, escalation);

  if (!page.settings.auto_replies) {
    // People answer this page: unless they are known to be there now (opening hours), say so once per session.
    const staffed = page.settings.business_hours !== undefined && !closedNotice(page.settings, now);
    if (session.state.away_sent || staffed) return result;
    session.state = { ...session.state, away_sent: true };
    return withResponses(result, deps, args, [{ type: 'text', text: page.settings.away_message }]);
  }
  if (!input) return result;
  // A flow's welcome action stands in for the first message; a bot or a model answers the message itself, which a
  // welcome input would throw away.
  const welcomesFirst = page.settings.welcome_on_first_message && assistant.kind === 'flow';
  if (!existing && welcomesFirst && input.kind !== 'welcome') input = { kind: 'welcome' };
  const turn: AssistantTurn = {
    id: args.eventId,
    conversation: { id: conversation.id, page_id: page.id },
    contact: { id: contact.id, profile: contact.profile },
    page: { id: page.id, name: page.name },
    input,
    context: session.context,
    new_session: expired,
    // A new session has said nothing yet: this turn's message is stored with its answer.
    history:
      assistant.historyLength && !expired
        ? await store.recentHistory(conversation.id, assistant.historyLength, session.started_at)
        : [],
  };
  const quoted = event.kind === 'message' && event.reply_to_mid;
  if (quoted) {
    const replyingTo = await store.quotedMessage(conversation.id, quoted);
    if (replyingTo) turn.replying_to = replyingTo;
  }
  const reply = await replyOf(assistant, turn, deps.shutdown);
  session.context = reply.context ?? session.context;
  countFallback(session, reply);
  return withResponses(result, deps, args, applyHandover(result, reply, page, now));
}

/**
 * Asks the assistant, with a signal of the turn's own that a shutdown aborts (the flow assistant does no I/O). Not the
 * shutdown's signal itself: the assistants' calls combine it with `AbortSignal.any`, which on Node 20 keeps a
 * reference from a long-lived signal to every signal made from it.
 */
async function replyOf(assistant: Assistant, turn: AssistantTurn, shutdown: AbortSignal | undefined) {
  if (!shutdown || assistant.kind === 'flow') return assistant.reply(turn);
  const controller = new AbortController();
  const abort = () => controller.abort(shutdown.reason);
  if (shutdown.aborted) abort();
  shutdown.addEventListener('abort', abort, { once: true });
  try {
    return await assistant.reply({ ...turn, signal: controller.signal });
  } finally {
    shutdown.removeEventListener('abort', abort);
  }
}

/** An assistant's own words in a flag (a hand-over's reason, a failure's) are cut to what an agent's flag may say. */
const ASSISTANT_REASON_MAX = 200;

function assistantReason(reason: string): string {
  if (reason.length <= ASSISTANT_REASON_MAX) return reason;
  return `${cutToFit(graphemes(reason.slice(0, ASSISTANT_REASON_MAX)), ASSISTANT_REASON_MAX - 1)}…`;
}

function flag(result: TurnResult, reason: string) {
  Object.assign(result.conversation?.changes ?? {}, { flagged: true, flag_reason: reason });
}

/**
 * `connect_to_agent` hands the conversation to people (the bot stops until it is given back); a failed assistant
 * flags it. Outside opening hours the person is told when the team is back. Returns the responses to send.
 */
function applyHandover(result: TurnResult, reply: AssistantReply, page: PageRuntime, now: number): GenericResponse[] {
  const handover = reply.responses.find((r) => r.type === 'connect_to_agent');
  // A person asking for someone in the same turn (the escalation's flag) says more to the agent than the failure.
  if (!handover && reply.failure && !result.conversation?.changes.flagged)
    flag(result, `assistant_failure: ${assistantReason(reply.failure.reason)}`);
  // A failed assistant with nothing to say (a flow whose fallback loops too): the person still hears something.
  if (reply.failure && reply.responses.length === 0) return [{ type: 'text', text: page.settings.fallback_text }];
  if (handover?.type !== 'connect_to_agent') return reply.responses;
  const closed = closedNotice(page.settings, now);
  const waits = closed?.until ? ` (waits for the opening at ${new Date(closed.until).toISOString()})` : '';
  const reason = handover.reason === undefined ? 'the assistant handed over' : assistantReason(handover.reason);
  flag(result, `connect_to_agent: ${reason}${closed ? waits : ''}`);
  Object.assign(result.conversation?.changes ?? {}, { routing: 'human' });
  return closed ? [...reply.responses, { type: 'text', text: closed.text }] : reply.responses;
}

function withResponses(
  result: TurnResult,
  deps: ConversationServiceDeps,
  args: PersonTurnArgs,
  responses: GenericResponse[],
): TurnResult {
  const rendered = deps.renderer.render(responses, args.page, args.conversation.id);
  if (rendered.length === 0) return result;
  const steps: OutgoingStep[] = args.page.settings.mark_seen ? [{ kind: 'seen' }, ...rendered] : rendered;
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
