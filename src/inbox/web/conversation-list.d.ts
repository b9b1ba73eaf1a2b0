/** Types of conversation-list.js, for the unit tests (the browser loads the .js as it is). */
import type { Api } from './api.js';

type Row = { id: string; [key: string]: unknown };

export const LIST_POLL_MS: number;
export function createConversationList(options: {
  api: Api;
  hrefFor: (id: string) => string;
  notices: { show(notice: { key: string; tone: string; text: string }): void; clear(key: string): void };
  me: { id: string; role: string };
  filtered?: () => void;
}): {
  element: HTMLElement;
  start(): Promise<void>;
  refresh(): Promise<boolean>;
  markChanged(ids: string[] | undefined): void;
  setPages(pages: Row[]): void;
  setUsers(users: Row[]): void;
  setSelected(id: string | undefined): void;
  focusRow(id: string): void;
  patch(id: string, changes: Record<string, unknown>): void;
  close(): void;
};
