/**
 * The bar at the top of the composer area while the person answers or edits a message: what it is
 * about, a preview, and a close button. Replies (reply.js) and edits (edit.js) each have one.
 */
import { h, icon, replaceChildren } from './dom.js';
import { CLOSE } from './icons.js';

/**
 * A bar at the top of `root`. `show(value, {to, preview})` puts it up for `value` (what `take()`
 * returns then: the message answered or edited); `take()` ends it and returns that value, undefined
 * when none; `cancel()` ends it. Escape in `root` or the close button (`cancelLabel`) cancels, then
 * runs `onCancel()`. `testid` names the bar; its preview and close button follow (`reply` →
 * `reply-preview`, `cancel-reply`).
 */
export function createComposerBar(root, { onCancel, testid, cancelLabel }) {
  // A live region, so a screen reader says what the composer now does while focus stays in it.
  const slot = h('div', { class: 'reply-slot', role: 'status' });
  root.prepend(slot);
  let value;

  function show(next, { to, preview }) {
    value = next;
    replaceChildren(
      slot,
      h(
        'div',
        { class: 'reply-bar', dataset: { testid: `${testid}-bar` } },
        h(
          'div',
          { class: 'reply-bar__text' },
          h('div', { class: 'reply-bar__to' }, to),
          h('div', { class: 'reply-bar__preview', dataset: { testid: `${testid}-preview` } }, preview),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'reply-bar__close',
            'aria-label': cancelLabel,
            dataset: { testid: `cancel-${testid}` },
            onclick: cancelByPerson,
          },
          icon(CLOSE),
        ),
      ),
    );
  }
  function cancel() {
    value = undefined;
    slot.replaceChildren();
  }
  function cancelByPerson() {
    cancel();
    onCancel();
  }
  function take() {
    const taken = value;
    cancel();
    return taken;
  }
  root.addEventListener('keydown', (e) => {
    // Escape in the persistent menu closes the menu, not the bar.
    if (e.key === 'Escape' && value !== undefined && !e.target.closest('[role="menu"]')) cancelByPerson();
  });

  return { show, take, cancel };
}
