import type { AssistantInput } from '../assistants/assistant.ts';
import { referralSourceName } from '../inbox/web/referral-sources.js';
import type { InboundAttachment, InboundEvent } from './inbound-event.ts';

/** Messenger's Get Started button sends this payload unless the page's profile sets another. */
export const DEFAULT_GET_STARTED_PAYLOAD = 'GET_STARTED';

/** What the person did, for the assistant; undefined when the event is not something to answer. */
export function assistantInputOf(
  event: InboundEvent,
  getStartedPayload = DEFAULT_GET_STARTED_PAYLOAD,
): AssistantInput | undefined {
  switch (event.kind) {
    case 'message': {
      if (event.quick_reply_payload !== undefined) {
        return { kind: 'choice', value: event.quick_reply_payload, text: event.text };
      }
      // A typed link comes with its preview as a `fallback` attachment: what the person said is the text.
      const sent = event.text ? event.attachments.filter((a) => a.type !== 'fallback') : event.attachments;
      if (sent.length > 0) {
        const attachments = sent.map((a) => ({
          type: a.type === 'template' ? ('other' as const) : a.type,
          url: a.url,
        }));
        return { kind: 'attachment', attachments, text: event.text };
      }
      return event.text ? { kind: 'text', text: event.text } : undefined;
    }
    case 'postback':
      if (event.payload === getStartedPayload)
        return { kind: 'welcome', value: event.payload, referral: event.referral?.ref };
      return event.payload !== undefined ? { kind: 'choice', value: event.payload, text: event.title } : undefined;
    case 'referral':
      // A person with a thread already followed an m.me link or an ad: with a `ref` it names where to start.
      return event.referral.ref !== undefined ? { kind: 'welcome', referral: event.referral.ref } : undefined;
    default:
      return undefined;
  }
}

/** A message's text as the inbox lists it: its text, or what it holds (`[image, shared link]`). */
export function messagePreview(message: { text?: string; attachments: InboundAttachment[] }): string | undefined {
  if (message.text !== undefined || message.attachments.length === 0) return message.text;
  return `[${message.attachments.map(attachmentName).join(', ')}]`;
}

/** What the inbox calls an attachment: a shared reel or post by the channel's own name for it. */
function attachmentName(a: InboundAttachment): string {
  if (a.type === 'fallback') return 'shared link';
  if (a.type === 'other') return a.channel_type ? `shared ${a.channel_type.replaceAll('_', ' ')}` : 'attachment';
  return a.type;
}

/** The person's message as the inbox shows it; a referral says where the person came from. */
export function inboundPreview(event: InboundEvent): string | undefined {
  if (event.kind === 'message') return messagePreview(event);
  if (event.kind === 'postback') return event.title ?? event.payload;
  if (event.kind === 'referral') {
    const where = referralSourceName(event.referral.source);
    return event.referral.ref === undefined ? `Came from ${where}` : `Came from ${where} (ref ${event.referral.ref})`;
  }
  if (event.kind === 'optin') return optinPreview(event.optin);
  return undefined;
}

/** A marketing-messages opt-in, stop or resume (messenger-platform.md §2.7), or a plugin's opt-in with its `ref`. */
function optinPreview(optin: Record<string, unknown>): string {
  const text = (key: string) => (typeof optin[key] === 'string' ? (optin[key] as string) : undefined);
  if (optin.type !== 'notification_messages') return text('ref') ? `Opted in (ref ${text('ref')})` : 'Opted in';
  const what = text('title') ? `“${text('title')}” messages` : 'marketing messages';
  const status = text('notification_messages_status');
  if (status === 'STOP_NOTIFICATIONS') return `Stopped ${what}`;
  if (status === 'RESUME_NOTIFICATIONS') return `Resumed ${what}`;
  return `Agreed to ${what}`;
}
