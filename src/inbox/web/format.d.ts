/** Types of format.js, for the unit tests (the browser loads the .js as it is). */
import type { UpkeepStatus } from '../../storage/page-repository.ts';

export interface Named {
  first_name?: string | null;
  last_name?: string | null;
  contact_external_id?: string | null;
}
export interface TimeOptions {
  now?: number;
  locale?: string;
  timeZone?: string;
}
export interface MessageLike {
  direction: string;
  author: string;
  status: string;
}
export interface ApiError {
  status: number;
  code?: string;
  message?: string;
  retryAfter?: number;
}
export type Tone = 'ok' | 'pending' | 'error' | 'warning' | 'muted';

export function personName(conversation: Named): string;
export function initials(name: string): string;
export function hueFor(name: string): number;
export function shortTime(ms: number, options?: TimeOptions): string;
export function fullTime(ms: number, options?: TimeOptions): string;
export function describeAge(ms: number): string;
export const ROUTING: Record<'bot' | 'human' | 'paused', { label: string; description: string }>;
export function routingLabel(routing: string): string;
export function describeRouting(
  conversation: { routing: string; paused_until?: number | null; thread_elsewhere_since?: number | null },
  options?: TimeOptions,
): { label: string; description: string; until: string | undefined };
export function authorLabel(
  message: Pick<MessageLike, 'direction' | 'author'> & { sender_name?: string | null },
  person: string,
): string;
export function describeStatus(message: MessageLike): { label: string; tone: Tone } | undefined;
export function describeWindow(
  lastInboundAt: number | null | undefined,
  now?: number,
): { state: 'open' | 'agent' | 'closed' | 'never'; text: string };
export function describeWait(seconds: number | undefined): string;
export function describeError(error: ApiError): string;
export function describeFailures(counts?: Record<string, number>): { kind: string; label: string; count: number }[];
export function describeFlag(reason: string | null | undefined, options?: TimeOptions): string;
export function describeUpkeep(
  status: UpkeepStatus | null | undefined,
  done: string,
): { label: string; tone: Tone } | undefined;
export function describeHealth(health: string): { label: string; tone: Tone };
