/** Short-lived error messages in the corner, announced to screen readers. */
import { h } from './dom.js';

/** How long a message stays: long enough to read a Graph-style error. */
const TOAST_MS = 6000;

/** Shows `message` for a few seconds; failed sends and fetches end up here, never silently. */
export function showError(message) {
  const toast = h('div', { class: 'toast', role: 'alert', dataset: { testid: 'toast' } }, message);
  document.getElementById('toasts')?.append(toast);
  setTimeout(() => toast.remove(), TOAST_MS);
}
