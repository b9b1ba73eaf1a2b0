import type { Logger } from 'pino';
import type { Conversation, PageRuntime, ThreadControl, TurnResult } from './ports.ts';

type ConversationChanges = NonNullable<TurnResult['conversation']>['changes'];

/** What the app given the thread reads with it (`pass_thread_control`'s metadata). */
export const PASS_NOTE = 'Switchboard: passed on request; the assistant had the conversation';

export interface ThreadRequest {
  threads: ThreadControl;
  logger: Logger;
  page: PageRuntime;
  conversation: Conversation;
  /** The person whose thread is asked for, as the channel addresses them. */
  personId: string;
  /** The app that asked (Messenger's Page Inbox, when a person of the business wants to answer there). */
  requester: string;
  /**
   * The conversation's changes once another app has the thread (passed to the one that asked, or found with a third),
   * as when it is taken: the bot waits until it comes back.
   */
  whenElsewhere: ConversationChanges;
}

/**
 * Answers another app's request for the thread (`request_thread_control`, messenger-platform.md §2.9, §7); returns the
 * conversation's changes. While the bot has the conversation, the thread is passed and the bot waits until it comes
 * back; a refusal leaves it with the bot, flagged for the team, unless a third app has the thread (taken since the
 * request came): then the bot waits for it as after a take, and the request is flagged all the same. While the inbox's
 * agents have it, nothing is passed (they are working it): the request is flagged for them. A flag that stands keeps
 * its reason (conversation-store.ts). Throws for a failure of the moment, so the event is tried again, then kept as a
 * dead letter to replay.
 */
export async function answerThreadRequest(request: ThreadRequest): Promise<ConversationChanges> {
  const { conversation, requester } = request;
  const who = request.threads.appName(requester);
  const log = request.logger.child({ pageId: request.page.id, conversationId: conversation.id });
  if (conversation.routing === 'human') {
    log.info({ requestedBy: requester }, 'thread requested while an agent has the conversation: not passed');
    return flagged(`${who} asked for the conversation (not passed: an agent has it here)`);
  }
  const passed = await request.threads.passThread({
    pageId: request.page.id,
    personId: request.personId,
    appId: requester,
    note: PASS_NOTE,
  });
  if (passed.status === 'retry') throw new Error(`could not pass the thread to ${who} for now: ${passed.error}`);
  if (passed.status === 'elsewhere') {
    const holder = request.threads.appName(passed.owner);
    log.warn(
      { requestedBy: requester, owner: passed.owner, error: passed.error },
      'could not pass the thread on request: another app has it, the assistant waits until it comes back',
    );
    return {
      ...request.whenElsewhere,
      ...flagged(`${who} asked for the conversation (not passed, ${holder} has it: ${passed.error})`),
    };
  }
  if (passed.status === 'failed') {
    log.warn(
      { requestedBy: requester, error: passed.error },
      'could not pass the thread on request: the assistant keeps the conversation',
    );
    return flagged(`${who} asked for the conversation (not passed, the assistant kept it: ${passed.error})`);
  }
  log.info({ requestedBy: requester }, 'thread passed on request: the assistant waits until it comes back');
  return request.whenElsewhere;
}

const flagged = (detail: string): ConversationChanges => ({
  flagged: true,
  flag_reason: `thread_requested: ${detail}`,
});
