/**
 * Notices above the inbox: outcomes (a page connected), errors of an action, a lost connection. Errors are announced
 * at once (`role="alert"`), the others politely; each can be dismissed, and `key` replaces an earlier notice of the
 * same key instead of stacking.
 */
import { h } from './dom.js';

export function createNotices(container) {
  const byKey = new Map();
  function dismiss(el) {
    el.remove();
    for (const [key, value] of byKey) if (value === el) byKey.delete(key);
  }
  return {
    /** `{text, tone: 'info'|'success'|'error', key?, testid?, timeoutMs?}`; returns a function that dismisses it. */
    show({ text, tone = 'info', key, testid = 'notice', timeoutMs }) {
      if (key && byKey.has(key)) dismiss(byKey.get(key));
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
      if (key) byKey.set(key, el);
      container.append(el);
      if (timeoutMs) setTimeout(() => dismiss(el), timeoutMs);
      return () => dismiss(el);
    },
    /** Removes the notice shown under `key`, if any. */
    clear(key) {
      const el = byKey.get(key);
      if (el) dismiss(el);
    },
    clearAll() {
      container.replaceChildren();
      byKey.clear();
    },
  };
}
