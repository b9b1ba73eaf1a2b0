/**
 * Notices above the inbox: outcomes (a page connected), errors of an action, a lost connection. Errors are announced
 * at once (`role="alert"`), the others politely; each can be dismissed. `key` replaces an earlier notice of the same
 * key instead of stacking, and leaves it alone when it says the same: a poll that keeps failing is announced once.
 */
import { h } from './dom.js';

export function createNotices(container) {
  /** Shown notices by key: `{el, text, tone}`. */
  const byKey = new Map();
  function dismiss(el) {
    el.remove();
    for (const [key, value] of byKey) if (value.el === el) byKey.delete(key);
  }
  return {
    /** `{text, tone: 'info'|'success'|'error', key?, testid?}`. */
    show({ text, tone = 'info', key, testid = 'notice' }) {
      const shown = key ? byKey.get(key) : undefined;
      if (shown?.text === text && shown.tone === tone) return;
      if (shown) dismiss(shown.el);
      const el = h(
        'div',
        { class: `notice notice--${tone}`, role: tone === 'error' ? 'alert' : 'status', dataset: { testid } },
        h('p', {}, text),
        h(
          'button',
          { type: 'button', class: 'notice__close', 'aria-label': 'Dismiss', onclick: () => dismiss(el) },
          '×',
        ),
      );
      if (key) byKey.set(key, { el, text, tone });
      container.append(el);
    },
    /** Removes the notice shown under `key`, if any. */
    clear(key) {
      const shown = byKey.get(key);
      if (shown) dismiss(shown.el);
    },
    clearAll() {
      container.replaceChildren();
      byKey.clear();
    },
  };
}

/**
 * `notices` for one signed-in session: once `end()` is called (sign-out), whatever its work still asks to show or
 * clear is ignored, so a reply or an action answered late never speaks on the sign-in screen, or to the next person.
 */
export function sessionNotices(notices) {
  let ended = false;
  return {
    show(notice) {
      if (!ended) notices.show(notice);
    },
    clear(key) {
      if (!ended) notices.clear(key);
    },
    end() {
      ended = true;
    },
  };
}
