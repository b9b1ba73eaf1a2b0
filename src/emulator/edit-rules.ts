import { EDIT_WINDOW_MS, MAX_EDITS } from './platform-constants.ts';
import type { ThreadItem } from './state-types.ts';

/**
 * What a person's text tells the chat page about its Edit button: `editable_until` is the last instant of the
 * 15 minutes on the emulator's clock (epoch ms), `edits_left` how many of the 5 edits remain. Only the person's own
 * typed texts carry them; the page shows Edit while `edits_left > 0` and its clock is not past `editable_until`.
 */
export interface EditLimits {
  editable_until: number;
  edits_left: number;
}

/** A ThreadItem as the control API and the stream give it: with its edit limits when it is an editable kind. */
export type ThreadItemView = ThreadItem & Partial<EditLimits>;

/** Why Messenger never offers Edit on this item, whatever the time; undefined for the person's own typed texts. */
function kindRefusal(item: ThreadItem): string | undefined {
  if (item.from !== 'person') return "it is the page's; a person edits only their own messages";
  const message = item.message;
  if (typeof message?.text !== 'string' || message.attachments !== undefined || message.sticker_id !== undefined)
    return 'only a text message can be edited, not a postback, a sticker or attachments';
  // A quick reply is a button the page offered that the person tapped, not text they typed.
  if (message.quick_reply !== undefined) return 'a quick reply cannot be edited';
  return undefined;
}

/** The edit limits of one of the person's typed texts; undefined for anything Messenger never lets them edit. */
export function editLimits(item: ThreadItem): EditLimits | undefined {
  if (kindRefusal(item) !== undefined) return undefined;
  return {
    editable_until: item.timestamp + EDIT_WINDOW_MS,
    edits_left: Math.max(0, MAX_EDITS - (item.edit_count ?? 0)),
  };
}

/** Why Messenger would offer no Edit on this item at `now`; undefined when it would. */
export function editRefusal(item: ThreadItem, now: number): string | undefined {
  const limits = editLimits(item);
  if (!limits) return kindRefusal(item);
  if (now > limits.editable_until)
    return 'it was sent more than 15 minutes ago; Messenger allows edits only within 15 minutes of sending';
  if (limits.edits_left === 0)
    return `it was already edited ${MAX_EDITS} times; Messenger allows at most ${MAX_EDITS} edits per message`;
  return undefined;
}

/** The item with its edit limits, for the chat page: the rules stay here, the page only compares with its clock. */
export function itemView(item: ThreadItem): ThreadItemView {
  const limits = editLimits(item);
  return limits ? { ...item, ...limits } : item;
}
