/** Types of route.js, for the unit tests (the browser loads the .js as it is). */
export type Route = { view: 'pages' } | { view: 'conversations'; id?: string };
export function parseRoute(hash: string | null | undefined): Route;
export function conversationHref(id: string): string;
export function isRoute(hash: string): boolean;
