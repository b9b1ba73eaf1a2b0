/** Types of content.js, for the unit tests (the browser loads the .js as it is). */
export interface Button {
  label: string;
  url?: string;
}
export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'image'; url: string; alt: string }
  | { kind: 'sticker'; url: string; alt: string }
  | { kind: 'media'; media: 'video' | 'audio' | 'file' | 'link'; url: string; label: string }
  | { kind: 'location'; label: string; lat: number; long: number; url: string }
  | { kind: 'card'; title: string; subtitle?: string; imageUrl?: string; url?: string; buttons: Button[] }
  | { kind: 'buttons'; text: string; buttons: Button[] }
  | { kind: 'quick-replies'; options: string[] }
  | { kind: 'note'; text: string };

export const MEDIA_LABELS: Record<'video' | 'audio' | 'file' | 'link', string>;
export function safeUrl(value: unknown): string | undefined;
export function describeContent(message: { text?: string | null; content: unknown }): Part[];
export function attachmentParts(attachment: unknown): Part[];
export function quoteOf(message: {
  reply_to?: { message: { text?: string | null; content: unknown } | null };
}): string | undefined;
