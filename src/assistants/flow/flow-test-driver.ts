/**
 * Drives a flow assistant through a conversation the way the gateway does (keeping the context between
 * turns), for tests of this folder and of the sample assistants. Not used in production code.
 */
import type { AssistantInput, AssistantReply, ContactProfile, Context } from '../assistant.ts';
import type { GenericResponse } from '../responses.ts';
import type { FlowAssistant } from './flow-assistant.ts';

export interface FlowTestDriver {
  /** Sends one input; a string is typed text. Returns the reply and keeps its context for the next turn. */
  send(input: AssistantInput | string): Promise<AssistantReply>;
  /** The texts a reply shows: text responses, option titles, connect_to_agent messages. */
  texts(reply: AssistantReply): string[];
  readonly context: Context;
  /** Starts the next turn as a new session (the gateway's inactivity timeout). */
  expireSession(): void;
}

function shownText(response: GenericResponse): string | undefined {
  if (response.type === 'text') return response.text;
  if (response.type === 'option') return response.title;
  if (response.type === 'connect_to_agent') return response.message;
  return undefined;
}

export function createFlowTestDriver(assistant: FlowAssistant, profile: ContactProfile = {}): FlowTestDriver {
  let context: Context = {};
  let newSession = true;
  return {
    async send(input) {
      const reply = await assistant.reply({
        conversation: { id: 'conversation-1', page_id: 'page-1' },
        contact: { id: 'person-1', profile },
        page: { id: 'page-1' },
        input: typeof input === 'string' ? { kind: 'text', text: input } : input,
        context: newSession ? {} : context,
        new_session: newSession,
        history: [],
      });
      newSession = false;
      if (reply.context) context = reply.context;
      return reply;
    },
    texts: (reply) => reply.responses.map(shownText).filter((t): t is string => t !== undefined),
    get context() {
      return context;
    },
    expireSession() {
      newSession = true;
    },
  };
}
