/**
 * Quick replies: pills above the composer for the page's last message (messenger-platform.md §3.4).
 * `user_email` and `user_phone_number` pills offer a made-up address for the emulated person,
 * and the tap sends it as both the text and the payload, as Messenger does.
 */
import { h, replaceChildren } from './dom.js';

/**
 * Fills `container` with the pills of `live` (`{item, replies}` from liveQuickReplies) or empties
 * it. `onTap(item, text, payload)` sends the reply.
 */
export function renderQuickReplies(container, live, person, onTap) {
  if (!live) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  const pills = live.replies.map((reply) => {
    const { text, payload } = replyValue(reply, person);
    return h(
      'button',
      {
        type: 'button',
        class: 'quick-reply',
        dataset: { testid: 'quick-reply', payload: payload ?? '' },
        onclick: () => onTap(live.item, text, payload),
      },
      reply.image_url ? h('img', { class: 'quick-reply__icon', src: reply.image_url, alt: '' }) : null,
      text,
    );
  });
  replaceChildren(container, pills);
  container.hidden = false;
}

function replyValue(reply, person) {
  if (reply.content_type === 'user_email') {
    // Each part as an address may hold it, or a stand-in when nothing of it does (an empty or non-Latin name).
    const part = (name, fallback) => (name ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '') || fallback;
    const email = `${part(person?.first_name, 'person')}.${part(person?.last_name, 'emulated')}@example.com`;
    return { text: email, payload: email };
  }
  if (reply.content_type === 'user_phone_number') return { text: '+15555550123', payload: '+15555550123' };
  return { text: reply.title ?? '', payload: reply.payload };
}
