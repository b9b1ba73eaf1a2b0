import type { Logger } from 'pino';
import type { ReceiptStatus } from '../conversations/held-receipts.ts';
import type { TransactionRunner } from '../storage/batched-writes.ts';
import { markReceipt, markSent, type OutboxRow } from '../storage/outbox-repository.ts';

export interface SentRecorderOptions {
  transaction: TransactionRunner;
  /** The status a receipt handled before the send was recorded gives it (conversations/held-receipts.ts). */
  receiptStatus?: (row: OutboxRow, externalId: string | undefined, sentAt: number) => ReceiptStatus | undefined;
  logger: Logger;
  now: () => number;
}

/**
 * Records a send Graph accepted. A receipt handled before (Graph slow to answer) gives it its status in the same
 * statement when it can, and in a second one otherwise: one handled while the record was being written, which could
 * not see the message yet, or one whose message an echo marked `sent` in between.
 */
export function createSentRecorder(options: SentRecorderOptions) {
  const { transaction, receiptStatus, logger } = options;
  return async function recordSent(row: OutboxRow, send: { externalId: string | undefined; sentAt: number }) {
    const status = receiptStatus?.(row, send.externalId, send.sentAt);
    const sent = { externalId: send.externalId, sentAt: send.sentAt, status };
    await transaction((tx) => markSent(tx, row, sent, options.now()));
    // Read again once recorded: a receipt held while the record was written. And applied even when it was read before:
    // an echo between the receipt and the record moved the message to `sent`, which the record leaves alone.
    const late = receiptStatus?.(row, send.externalId, send.sentAt);
    const messageId = row.message_id;
    if (!late || !messageId) return;
    // Only the message's status: the send is recorded, and must not be recorded again if this write fails.
    await transaction((tx) => markReceipt(tx, { messageId, status: late }, options.now())).catch((err) =>
      logger.warn({ err, outboxId: row.id }, 'could not record a receipt that came while the send was recorded'),
    );
  };
}
