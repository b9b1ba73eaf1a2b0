/** Types of pages-panel.js, for the unit tests (the browser loads the .js as it is). */
import type { ApiError } from './format.js';

type Answer<T> = Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>;
type Page = { id: string; [key: string]: unknown };

export interface PagesPanelApi {
  apps(): Answer<{ id: string }[]>;
  pages(): Answer<Page[]>;
  [call: string]: (...args: never[]) => unknown;
}
export interface PagesPanel {
  element: HTMLElement;
  refresh(): Promise<boolean>;
  draw(pages: Page[]): void;
  reset(): void;
  setAdmin(isAdmin: boolean): void;
}
export const PAGES_POLL_MS: number;
export function createPagesPanel(options: {
  api: PagesPanelApi;
  notices: { show(notice: { key: string; tone: string; text: string }): void; clear(key: string): void };
  onPages: (pages: Page[]) => void;
  isAdmin: boolean;
  below?: Node;
  navigate?: (url: string) => void;
}): PagesPanel;
