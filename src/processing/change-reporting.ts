import type { Kysely } from 'kysely';
import type { Timers } from '../queue/row-waits.ts';
import type { ConversationStoreWithOutbox } from '../storage/conversation-store.ts';
import type { Database } from '../storage/schema.ts';

/** The longest a timer may wait: Node fires a longer one at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Tells `changed` (the inboxes' live stream) of each conversation whose messages or state processing changed, once
 * the change is written: a turn, an echo that settles a send, a receipt that moves a status. And of a pause that runs
 * out, which writes nothing: the inboxes would show it paused until their next poll.
 */
export function reportChanges(options: {
  store: ConversationStoreWithOutbox;
  changed: (conversationId: string) => void;
  timers: Timers;
}) {
  const { store, changed, timers } = options;
  const pauses = new Map<string, AbortController>();

  function tellWhenPauseEnds(conversationId: string, until: number) {
    pauses.get(conversationId)?.abort();
    const pause = new AbortController();
    pauses.set(conversationId, pause);
    void timers.sleep(Math.min(until - timers.now(), MAX_TIMER_MS), pause.signal).then(() => {
      if (pauses.get(conversationId) !== pause) return;
      pauses.delete(conversationId);
      if (!pause.signal.aborted) changed(conversationId);
    });
  }

  const reporting: ConversationStoreWithOutbox = {
    ...store,
    async linkEcho(outboxId, externalId, stampedAt, now) {
      const linked = await store.linkEcho(outboxId, externalId, stampedAt, now);
      if (linked && linked.changed !== undefined) changed(linked.changed);
      return linked;
    },
    async markOutgoing(conversationId, status, upTo, now) {
      const marked = await store.markOutgoing(conversationId, status, upTo, now);
      // A receipt repeated (the person opened the thread again) changes nothing: no inbox reads again.
      if (marked > 0) changed(conversationId);
      return marked;
    },
    async markReaction(pageId, externalId, reaction, now) {
      const conversationId = await store.markReaction(pageId, externalId, reaction, now);
      if (conversationId !== undefined) changed(conversationId);
      return conversationId;
    },
    async markEdited(pageId, externalId, edit, now) {
      const conversationId = await store.markEdited(pageId, externalId, edit, now);
      if (conversationId !== undefined) changed(conversationId);
      return conversationId;
    },
    async commitTurn(result, now) {
      const { conversation } = result;
      const conversationId = conversation?.id ?? result.outgoing?.conversation_id ?? result.session?.conversation_id;
      try {
        const queued = await store.commitTurn(result, now);
        const pausedUntil = conversation?.changes.paused_until;
        if (conversation && typeof pausedUntil === 'number') tellWhenPauseEnds(conversation.id, pausedUntil);
        return queued;
      } finally {
        // Told when the commit's answer was lost too: it may have been written all the same.
        if (conversationId) changed(conversationId);
      }
    },
  };

  return {
    store: reporting,
    /** Pauses a previous process left running (a restart, another process's lead): told when they end too. */
    async resumePauses(db: Kysely<Database>) {
      const paused = await db
        .selectFrom('conversations')
        .select(['id', 'paused_until'])
        .where('routing', '=', 'paused')
        .where('paused_until', '>', timers.now())
        .execute();
      for (const { id, paused_until } of paused) if (paused_until !== null) tellWhenPauseEnds(id, paused_until);
    },
    stop() {
      for (const pause of pauses.values()) pause.abort();
    },
  };
}
