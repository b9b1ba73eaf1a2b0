/** Types of live.js, for the unit tests (the browser loads the .js as it is). */
import type { ApiError } from './format.js';

export type LiveState = 'connecting' | 'live' | 'down';
export interface LiveStreamOptions {
  authorization: () => string;
  onUnauthenticated?: (error: ApiError, sentAuthorization: string) => void;
  onChange: (conversationIds: string[] | undefined) => void;
  onState?: (state: LiveState) => void;
  root?: URL | string;
  fetch?: (url: URL, init: RequestInit) => Promise<Response>;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
  random?: () => number;
}
export interface LiveStream {
  close(): void;
}
export const SILENCE_MS: number;
export const STABLE_MS: number;
export function retryDelay(failures: number, random?: () => number): number;
export function createLiveStream(options: LiveStreamOptions): LiveStream;
