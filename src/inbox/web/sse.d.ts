/** Types of sse.js, for the unit tests (the browser loads the .js as it is). */
export interface SseEvent {
  type: string;
  data: string;
}
export interface SseParser {
  push(text: string): SseEvent[];
}
export function createSseParser(): SseParser;
