import type { OpenConversation } from '../conversations/ports.ts';
import type { ConversationStoreWithOutbox } from './conversation-store.ts';
import { profileFromColumns } from './open-conversation.ts';

/** People whose state stays in memory; past it the least recently active are read from the database again. */
const DEFAULT_MAX = 5000;

export interface ConversationCache extends ConversationStoreWithOutbox {
  /** Someone else changed the conversation (an agent took it over, a flag): its next turn reads it again. */
  forget(conversationId: string): void;
}

/**
 * Keeps each person's contact, conversation and session in memory, written through: a turn reads nothing, and what it
 * commits is what the next one sees. Only for a database this process alone writes (SQLite), and only when every
 * other writer of these rows calls `forget` after its write (the inbox API does, through processing).
 *
 * Turns of one person run one at a time (the inbound worker's lanes), so an entry never has two turns in flight. What
 * a turn commits is applied only to the entry it read: if the entry was forgotten meanwhile, the next turn reads the
 * database. A failed write forgets the entry, since what reached the database is then unknown.
 */
export function cachedConversations(store: ConversationStoreWithOutbox, max = DEFAULT_MAX): ConversationCache {
  const entries = new Map<string, OpenConversation>();
  /** Conversation id → key of its entry, for `forget` and for the writes, which name conversations. */
  const keys = new Map<string, string>();
  /** Contact id → key, for the profile write. */
  const contacts = new Map<string, string>();

  const drop = (key: string | undefined) => {
    if (key === undefined) return;
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    keys.delete(entry.conversation.id);
    contacts.delete(entry.contact.id);
  };

  /** The caller's own copies: the conversation service may change what it is given before it commits. */
  const copy = (e: OpenConversation): OpenConversation => ({
    contact: { ...e.contact },
    conversation: { ...e.conversation },
    session: e.session && { ...e.session },
  });

  /** Applies a successful write to the entry it belongs to; forgets it when the write failed. */
  async function writeThrough<T>(
    key: string | undefined,
    write: () => Promise<T>,
    apply: (e: OpenConversation, result: T) => void,
  ) {
    const entry = key === undefined ? undefined : entries.get(key);
    try {
      const result = await write();
      if (entry && key !== undefined && entries.get(key) === entry) apply(entry, result);
      return result;
    } catch (error) {
      drop(key);
      throw error;
    }
  }

  return {
    ...store,

    async openConversation(pageId, externalId, now) {
      const key = `${pageId}\u0000${externalId}`;
      const cached = entries.get(key);
      if (cached) {
        entries.delete(key); // Most recently used last: the first entries are the ones to evict.
        entries.set(key, cached);
        return copy(cached);
      }
      const opened = await store.openConversation(pageId, externalId, now);
      if (entries.size >= max) drop(entries.keys().next().value);
      entries.set(key, copy(opened));
      keys.set(opened.conversation.id, key);
      contacts.set(opened.contact.id, key);
      return opened;
    },

    saveProfile: (contactId, profile, now) =>
      writeThrough(
        contacts.get(contactId),
        () => store.saveProfile(contactId, profile, now),
        (e) => {
          const saved = profileFromColumns(profile ?? {});
          e.contact = { ...e.contact, profile: saved, profile_status: profile ? 'fetched' : 'unavailable' };
        },
      ),

    commitTurn(result, now) {
      const key = result.conversation && keys.get(result.conversation.id);
      return writeThrough(
        key,
        () => store.commitTurn(result, now),
        (e, queued) => {
          // A person took it over while the turn ran: what the turn meant to change was not all written.
          if (queued.dropped) return drop(key);
          if (result.conversation) e.conversation = { ...e.conversation, ...result.conversation.changes };
          const session = result.session?.session;
          // A new session gets its id as it is stored: read it back rather than guess it.
          if (session && !session.id) drop(key);
          else if (session) e.session = { ...session };
        },
      );
    },

    forget: (conversationId) => drop(keys.get(conversationId)),
  };
}
