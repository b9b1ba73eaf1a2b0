import type { RecipientAddress } from './conversation.ts';
import { type GraphError, invalidParam, isGraphError } from './graph-errors.ts';
import { type GraphParams, isRecord, objectParam, stringParam } from './graph-params.ts';
import { MESSAGE_TAGS } from './platform-constants.ts';
import { type MessageRules, validateMessage } from './validate-message.ts';
import { required } from './validate-rules.ts';

export type SenderActionName = 'typing_on' | 'typing_off' | 'mark_seen' | 'react' | 'unreact';

/** A Send API request that passed the structural rules. */
export type SendCommand =
  | {
      kind: 'message';
      recipient: RecipientAddress;
      messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
      tag?: string;
      message: Record<string, unknown>;
      personaId?: string;
    }
  | {
      kind: 'action';
      recipient: RecipientAddress;
      action: SenderActionName;
      personaId?: string;
      payload?: { message_id: string; reaction?: string };
    };

const SENDER_ACTIONS = new Set<string>(['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact']);
const MESSAGING_TYPES = new Set<string>(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const NOTIFICATION_TYPES = new Set<string>(['REGULAR', 'SILENT_PUSH', 'NO_PUSH']);

/**
 * `recipient` must be `{id}` (a PSID) or `{user_ref}` (a chat-plugin guest, §2.11); the other recipient kinds
 * (comment_id, phone_number, …) are not emulated.
 */
export function parseRecipient(params: GraphParams): RecipientAddress | GraphError {
  const recipient = objectParam(params, 'recipient');
  if (recipient === undefined) return required('recipient');
  if (!isRecord(recipient)) return invalidParam('param recipient must be a JSON object');
  // Exactly one form (§3.1): a PSID beside a user_ref names two people.
  if (Object.keys(recipient).length > 1) return invalidParam('param recipient must have exactly one of its keys');
  const id = recipient.id;
  if (typeof id === 'string' && /^\d+$/.test(id)) return { id };
  if (typeof id === 'number' && Number.isSafeInteger(id)) return { id: String(id) };
  if (id === undefined && recipient.user_ref !== undefined) {
    const userRef = recipient.user_ref;
    if (typeof userRef === 'string' && userRef !== '') return { user_ref: userRef };
    return invalidParam('param recipient[user_ref] must be a non-empty string');
  }
  if (id === undefined && Object.keys(recipient).length > 0) {
    return invalidParam(
      `recipient ${Object.keys(recipient).join(', ')} is not supported by the emulator; use recipient.id or recipient.user_ref`,
    );
  }
  return invalidParam('param recipient[id] must be a valid ID string (e.g., "123")');
}

/**
 * Structural rules of `POST /{page}/messages` (messenger-platform.md §3.1–3.3): one recipient;
 * message xor sender_action (both → 100/2018034); messaging_type required with a message (the
 * docs call it required since 2018; Facebook's exact error when it is missing is unconfirmed, §12.19);
 * MESSAGE_TAG needs a current tag.
 */
export function parseSendRequest(params: GraphParams, rules: MessageRules): SendCommand | GraphError {
  const recipient = parseRecipient(params);
  if (isGraphError(recipient)) return recipient;
  const message = objectParam(params, 'message');
  if (isGraphError(message)) return message;
  const action = stringParam(params, 'sender_action');
  const personaId = stringParam(params, 'persona_id');
  if (message !== undefined && action !== undefined) {
    return invalidParam('Cannot send a message and a sender_action in the same request', 2018034);
  }
  if (action !== undefined) return parseSenderAction(params, recipient, action.toLowerCase(), personaId);
  if (message === undefined) return invalidParam('Must send either message or sender_action', 2018034);
  const messagingType = stringParam(params, 'messaging_type');
  if (messagingType === undefined) return required('messaging_type');
  if (!MESSAGING_TYPES.has(messagingType))
    return invalidParam('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  const notificationType = stringParam(params, 'notification_type');
  if (notificationType !== undefined && !NOTIFICATION_TYPES.has(notificationType))
    return invalidParam('param notification_type must be one of {REGULAR, SILENT_PUSH, NO_PUSH}');
  const tag = stringParam(params, 'tag');
  if (messagingType === 'MESSAGE_TAG') {
    if (tag === undefined) return invalidParam('The parameter tag is required when messaging_type is MESSAGE_TAG');
    if (!(MESSAGE_TAGS as readonly string[]).includes(tag)) {
      return invalidParam(`param tag must be one of {${MESSAGE_TAGS.join(', ')}}`);
    }
  }
  const validated = validateMessage(message, rules);
  if (isGraphError(validated)) return validated;
  const command: SendCommand = {
    kind: 'message',
    recipient,
    messagingType: messagingType as 'RESPONSE',
    message: validated,
  };
  if (messagingType === 'MESSAGE_TAG' && tag) command.tag = tag;
  if (personaId) command.personaId = personaId;
  return command;
}

function parseSenderAction(
  params: GraphParams,
  recipient: RecipientAddress,
  action: string,
  personaId?: string,
): SendCommand | GraphError {
  if (!SENDER_ACTIONS.has(action))
    return invalidParam('param sender_action must be one of {TYPING_ON, TYPING_OFF, MARK_SEEN, REACT, UNREACT}');
  const command: SendCommand = { kind: 'action', recipient, action: action as SenderActionName };
  if (personaId) command.personaId = personaId;
  if (action !== 'react' && action !== 'unreact') return command;
  const payload = objectParam(params, 'payload');
  if (!isRecord(payload) || typeof payload.message_id !== 'string') return required('payload[message_id]');
  if (action === 'react' && typeof payload.reaction !== 'string') return required('payload[reaction]');
  command.payload = {
    message_id: payload.message_id,
    ...(typeof payload.reaction === 'string' ? { reaction: payload.reaction } : {}),
  };
  return command;
}
