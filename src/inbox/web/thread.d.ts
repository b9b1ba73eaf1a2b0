/** Types of thread.js, for the unit tests (the browser loads the .js as it is). */
import type { Api } from './api.js';

export const THREAD_POLL_MS: number;
export function createThread(options: {
  api: Api;
  id: string;
  notices: { show(notice: { key: string; tone: string; text: string }): void; clear(key: string): void };
  pageName: (pageId: string) => string;
  pageHealth: (pageId: string) => unknown;
  backHref: string;
  onChanged: (id: string, changes: Record<string, unknown> | undefined) => void;
  drafts: Map<string, unknown>;
  team: () => { id: string; name?: string; email?: string }[];
  me: { id: string; role: string };
}): {
  element: HTMLElement;
  start(): Promise<boolean | undefined>;
  refresh(): Promise<boolean | undefined>;
  focus(): void;
  teamChanged(): void;
  pagesChanged(): void;
  close(): void;
};
