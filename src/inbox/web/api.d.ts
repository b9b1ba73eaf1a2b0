/** Types of api.js, for the unit tests (the browser loads the .js as it is). */
import type { DeadEvent, DeadSend } from './dead-letters.js';
import type { ApiError } from './format.js';
import type { UpdateTag } from './update-tags.js';

export type ApiResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };
export interface ApiOptions {
  authorization: () => string;
  onUnauthenticated?: (error: ApiError, sentAuthorization: string) => void;
  root?: URL | string;
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
}
export interface Api {
  pages(): Promise<ApiResult>;
  conversations(filter?: Record<string, unknown>): Promise<ApiResult>;
  messages(id: string, options?: { limit?: number; before?: string }): Promise<ApiResult>;
  reply(id: string, message: { text: string; tag?: UpdateTag; key: string }): Promise<ApiResult>;
  setRouting(id: string, routing: string): Promise<ApiResult>;
  assign(id: string, userId: string | null): Promise<ApiResult>;
  setFlag(id: string, flagged: boolean, reason?: string): Promise<ApiResult>;
  me(): Promise<ApiResult>;
  renameMe(name: string): Promise<ApiResult>;
  changeOwnPassword(password: string): Promise<ApiResult>;
  users(): Promise<ApiResult>;
  addUser(user: { email: string; name?: string; role?: string }): Promise<ApiResult>;
  updateUser(id: string, change: { name?: string; role?: string }): Promise<ApiResult>;
  resetPassword(id: string): Promise<ApiResult>;
  removeUser(id: string): Promise<ApiResult>;
  updatePageSettings(id: string, changes: Record<string, unknown>): Promise<ApiResult>;
  deadLetters(): Promise<ApiResult<{ outbox: DeadSend[]; events: DeadEvent[] }>>;
  replayDeadLetters(): Promise<ApiResult<{ outbox: number; events: number }>>;
  apps(): Promise<ApiResult>;
  startConnect(appId?: string): Promise<ApiResult>;
}
export function createApi(options: ApiOptions): Api;
