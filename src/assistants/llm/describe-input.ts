import type { AssistantInput, AttachmentInput } from '../assistant.ts';

const ATTACHMENT_NAMES: Record<AttachmentInput['type'], [one: string, many: string]> = {
  image: ['an image', 'images'],
  video: ['a video', 'videos'],
  audio: ['a voice message', 'voice messages'],
  file: ['a file', 'files'],
  sticker: ['a sticker', 'stickers'],
  location: ['a location', 'locations'],
  fallback: ['a link', 'links'],
  other: ['an attachment', 'attachments'],
};

/**
 * The person's input as the text of a user message. A model sees words only: a tapped choice is described
 * by its label, attachments by their kind and number (their URLs are not given: the model cannot open them,
 * and channel URLs are often signed).
 */
export function describeInput(input: AssistantInput): string {
  switch (input.kind) {
    case 'text':
      return input.text;
    case 'choice':
      return input.text !== undefined && input.text !== input.value
        ? `[The person tapped "${input.text}" (value: ${input.value})]`
        : `[The person tapped "${input.value}"]`;
    case 'welcome':
      return input.referral === undefined
        ? '[The person opened the conversation]'
        : `[The person opened the conversation from the link "${input.referral}"]`;
    case 'attachment': {
      const sent = `[The person sent ${describeAttachments(input.attachments)}]`;
      return input.text === undefined || input.text.trim() === '' ? sent : `${sent}\n${input.text}`;
    }
  }
}

function describeAttachments(attachments: AttachmentInput[]): string {
  const counts = new Map<AttachmentInput['type'], number>();
  for (const { type } of attachments) counts.set(type, (counts.get(type) ?? 0) + 1);
  const parts = [...counts].map(([type, count]) => {
    const [one, many] = ATTACHMENT_NAMES[type];
    return count === 1 ? one : `${count} ${many}`;
  });
  if (parts.length === 0) return 'an attachment';
  return parts.length === 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
