/** Types of update-tags.js, for the unit tests (the browser loads the .js as it is). */
export type UpdateTag = 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE';
export interface SendKind {
  tag: UpdateTag | '';
  label: string;
  purpose?: string;
}

export const SEND_KINDS: SendKind[];
export function tagOf(value: unknown): UpdateTag | undefined;
/** `windowState`: describeWindow's `state` (format.js). */
export function describeSendKind(tag: string | undefined, windowState: string): string;
