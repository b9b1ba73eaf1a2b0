/** Send API request shapes (messenger-platform.md §3). Field names are Messenger's own. */
import type { Recipient } from './person-address.ts';

export interface QuickReply {
  content_type: 'text' | 'user_email' | 'user_phone_number';
  title?: string;
  payload?: string;
  image_url?: string;
}

export type TemplateButton =
  | { type: 'postback'; title: string; payload: string }
  | { type: 'web_url'; title: string; url: string; webview_height_ratio?: 'compact' | 'tall' | 'full' }
  | { type: 'phone_number'; title: string; payload: string };

export interface GenericElement {
  title: string;
  subtitle?: string;
  image_url?: string;
  default_action?: { type: 'web_url'; url: string };
  buttons?: TemplateButton[];
}

export type TemplatePayload =
  | { template_type: 'button'; text: string; buttons: TemplateButton[] }
  | { template_type: 'generic'; elements: GenericElement[]; image_aspect_ratio?: 'horizontal' | 'square' }
  | {
      template_type: 'media';
      elements: [{ media_type: 'image' | 'video'; url?: string; attachment_id?: string; buttons?: TemplateButton[] }];
    };

export type MessageAttachment =
  | {
      type: 'image' | 'video' | 'audio' | 'file';
      payload: { url: string; is_reusable?: boolean } | { attachment_id: string };
    }
  | { type: 'template'; payload: TemplatePayload };

export interface OutgoingMessage {
  text?: string;
  attachment?: MessageAttachment;
  quick_replies?: QuickReply[];
  metadata?: string;
}

export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

export type MessageTag = 'HUMAN_AGENT' | 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE';

/** The body of POST /{version}/me/messages; `recipient` is `recipientOf(personId)` (a guest by user_ref). */
export type SendRequest =
  | {
      recipient: Recipient;
      messaging_type: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
      tag?: MessageTag;
      message: OutgoingMessage;
      notification_type?: 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';
      persona_id?: string;
    }
  | { recipient: Recipient; sender_action: SenderAction };
