/** Types of dead-letters.js, for the unit tests (the browser loads the .js as it is). */
import type { Named } from './format.js';

/** A dead send as `GET /api/dead-letters` lists it (an outbox row without its request). */
export interface DeadSend {
  id: string;
  conversation_id: string;
  page_id: string;
  recipient_id: string;
  message_id?: string | null;
  kind: string;
  tag?: string | null;
  attempts: number;
  error_code?: number | null;
  error_subcode?: number | null;
  error_message?: string | null;
  created_at?: number;
  updated_at: number;
}
/** A dead inbound event as `GET /api/dead-letters` lists it. */
export interface DeadEvent {
  id: string;
  page_id: string;
  user_id: string | null;
  kind: string;
  attempts: number;
  error: string | null;
  received_at: number;
}
/** A conversation of `GET /api/conversations`, as far as naming its person goes. */
export interface NamedConversation extends Named {
  id: string;
  page_id: string;
}

export const DEAD_LETTERS_LISTED: number;
export function sendKindLabel(row: Pick<DeadSend, 'kind' | 'tag'>): string;
export function eventKindLabel(kind: string): string;
export function describeSendError(row: Pick<DeadSend, 'error_code' | 'error_subcode' | 'error_message'>): string;
export function describeAttempts(attempts: number): string;
export function describeReplay(counts?: { outbox?: number; events?: number }): string;
export function describeTruncation(lists: { outbox?: unknown[]; events?: unknown[] }): string;
export function conversationsToName(outbox: Pick<DeadSend, 'conversation_id'>[], named: Map<string, unknown>): string[];
export function personOf(
  row: Partial<Pick<DeadSend, 'conversation_id' | 'recipient_id'> & Pick<DeadEvent, 'user_id'>> & { page_id: string },
  conversations: NamedConversation[],
): string;
