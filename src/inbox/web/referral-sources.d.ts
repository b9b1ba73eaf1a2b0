/** Types of referral-sources.js, for the gateway's previews and the unit tests (the browser loads the .js as it is). */
export function referralSourceName(source: unknown): string;
