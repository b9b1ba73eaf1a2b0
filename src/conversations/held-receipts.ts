export type ReceiptStatus = 'delivered' | 'read';

/** The statuses a receipt moves a message from: forward only, never back (a late delivery leaves `read` alone). */
export function statusesBefore(status: ReceiptStatus): string[] {
  return status === 'read' ? ['sent', 'delivered'] : ['sent'];
}

/** What a receipt covers: the page's messages sent up to a time, and (a delivery) the ids it names. */
export interface ReceiptCover {
  sentBefore: number;
  ids: string[];
}

/**
 * Receipts of the last minute, per conversation, for the sends recorded after them. Graph may be slow to answer a send
 * that reached the person: their delivery or read receipt can then be handled before the send is recorded as sent,
 * when it finds no message to mark. The send, once recorded, takes the status a held receipt gives it.
 */
export interface HeldReceipts {
  /** A receipt handled `now`: it covers nothing sent after that, whatever its watermark's allowance. */
  hold(receipt: { conversationId: string; status: ReceiptStatus; cover: ReceiptCover }, now: number): void;
  /** The furthest status a held receipt gives a message of the conversation sent at `sentAt` (Graph's id if known). */
  statusOf(
    send: { conversationId: string; externalId?: string; sentAt: number },
    now: number,
  ): ReceiptStatus | undefined;
  readonly size: number;
}

interface Held {
  at: number;
  delivered?: { sentBefore: number; ids: Set<string> };
  read?: { sentBefore: number };
}

/** A delivery names the messages it covers; a conversation's last few are all a late send can be. */
const MAX_IDS = 50;

export function createHeldReceipts(options: { ttlMs?: number; max?: number } = {}): HeldReceipts {
  const ttlMs = options.ttlMs ?? 60_000;
  const max = options.max ?? 10_000;
  // Oldest first: each receipt moves its conversation to the end, and the oldest go when there are too many.
  const held = new Map<string, Held>();
  return {
    hold({ conversationId, status, cover }, now) {
      const sentBefore = Math.min(cover.sentBefore, now);
      const previous = held.get(conversationId);
      const entry: Held = previous && now - previous.at <= ttlMs ? previous : { at: now };
      entry.at = now;
      if (status === 'read') {
        entry.read = { sentBefore: Math.max(sentBefore, entry.read?.sentBefore ?? -Infinity) };
      } else {
        const ids = new Set([...(entry.delivered?.ids ?? []), ...cover.ids].slice(-MAX_IDS));
        entry.delivered = { sentBefore: Math.max(sentBefore, entry.delivered?.sentBefore ?? -Infinity), ids };
      }
      held.delete(conversationId);
      held.set(conversationId, entry);
      for (const [id, { at }] of held) {
        if (held.size <= max && now - at <= ttlMs) break;
        held.delete(id);
      }
    },
    statusOf({ conversationId, externalId, sentAt }, now) {
      const entry = held.get(conversationId);
      if (!entry) return undefined;
      if (now - entry.at > ttlMs) {
        held.delete(conversationId);
        return undefined;
      }
      if (entry.read && sentAt <= entry.read.sentBefore) return 'read';
      const delivered = entry.delivered;
      if (delivered && (sentAt <= delivered.sentBefore || (externalId !== undefined && delivered.ids.has(externalId))))
        return 'delivered';
      return undefined;
    },
    get size() {
      return held.size;
    },
  };
}
