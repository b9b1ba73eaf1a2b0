/** Types of list-model.js, for the unit tests (the browser loads the .js as it is). */
export interface Row {
  id: string;
  last_message_at: number;
}
export interface Message {
  id: string;
}
export function newerFirst(a: Row, b: Row): number;
export interface Filter {
  page_id?: string;
  routing?: string;
  flagged?: boolean;
  /** A user id, or `none`. */
  assignee?: string;
}
export function mergeConversations<T extends Row>(
  loaded: T[],
  fresh: T[],
  options: { limit: number; filter?: Filter },
): T[];
export function matchesFilter(
  row: Row & { page_id?: string; routing?: string; flagged?: boolean; assignee_id?: string | null },
  filter: Filter,
): boolean;
export function appendConversations<T extends Row>(loaded: T[], page: T[]): T[];
export function replaceConversations<T extends Row>(loaded: T[], ids: string[], fresh: T[]): T[];
export function nextCursor(rows: Row[]): { before: number; before_id: string } | undefined;
export function mergeMessages<T extends Message>(
  loaded: T[],
  fresh: T[],
  options: { limit: number },
): { messages: T[]; olderDropped: boolean };
export function prependMessages<T extends Message>(loaded: T[], older: T[]): T[];
export function rowSignature(row: unknown): string;
