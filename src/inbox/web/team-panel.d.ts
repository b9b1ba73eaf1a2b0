/** Types of team-panel.js, for the unit tests (the browser loads the .js as it is). */
import type { ApiError } from './format.js';

type Answer<T> = Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>;

/** A user as `GET /api/users` lists them. */
export interface TeamMember {
  id: string;
  email: string;
  name?: string | null;
  role: string;
  configured_admin?: boolean;
  created_at?: number;
}
export interface TeamPanelApi {
  users(): Answer<TeamMember[]>;
  [call: string]: (...args: never[]) => unknown;
}
export interface TeamPanel {
  element: HTMLElement;
  /** `quiet`: a failure is not announced (the inbox's poll). */
  refresh(options?: { quiet?: boolean }): Promise<boolean>;
  draw(): void;
}
export function createTeamPanel(options: {
  api: TeamPanelApi;
  notices: { show(notice: { key: string; tone: string; text: string }): void; clear(key: string): void };
  me: () => { id: string; role: string; configured_admin?: boolean } | undefined;
  onUsers: (users: TeamMember[]) => void;
  changeOwnPassword: (password: string) => Answer<unknown>;
}): TeamPanel;
