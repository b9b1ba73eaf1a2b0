/**
 * The flag's controls in the thread header: "Clear flag" on a flagged conversation; otherwise "Flag…", a disclosure
 * button (`aria-expanded`) that opens a form for the reason.
 */
import { h, uid } from './dom.js';

/**
 * `busy`: an action runs; its buttons say so with `aria-disabled` and stay focusable (the header ignores clicks
 * meanwhile). `open`: whether the form shows; `draft`: the reason typed so far. `setOpen(open)`, `setDraft(text)`, `flag(reason)`
 * and `clear()` are the header's.
 */
export function renderFlagControls({ conversation, busy, open, draft, setOpen, setDraft, flag, clear }) {
  if (conversation.flagged) {
    return h(
      'button',
      {
        type: 'button',
        class: 'button',
        'aria-disabled': busy && 'true',
        dataset: { testid: 'clear-flag' },
        onclick: clear,
      },
      'Clear flag',
    );
  }
  const formId = uid('flag-form');
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button',
      dataset: { testid: 'flag' },
      'aria-expanded': String(open),
      'aria-controls': open ? formId : undefined,
      onclick: () => setOpen(!open),
    },
    'Flag…',
  );
  if (!open) return toggle;
  return [toggle, reasonForm({ formId, busy, draft, setOpen, setDraft, flag })];
}

function reasonForm({ formId, busy, draft, setOpen, setDraft, flag }) {
  const reasonId = uid('flag-reason');
  const reason = h('input', {
    id: reasonId,
    type: 'text',
    maxlength: '200',
    value: draft,
    placeholder: 'Why should people look at it?',
    dataset: { testid: 'flag-reason' },
    oninput: (event) => setDraft(event.target.value),
  });
  return h(
    'form',
    {
      id: formId,
      class: 'flag-form',
      dataset: { testid: 'flag-form' },
      onsubmit(event) {
        event.preventDefault();
        void flag(reason.value.trim() || undefined);
      },
      onkeydown(event) {
        if (event.key === 'Escape') setOpen(false);
      },
    },
    h('label', { for: reasonId, class: 'visually-hidden' }, 'Reason for the flag'),
    reason,
    h(
      'button',
      {
        type: 'submit',
        class: 'button button--danger',
        'aria-disabled': busy && 'true',
        dataset: { testid: 'flag-submit' },
      },
      'Flag',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button button--quiet',
        dataset: { testid: 'flag-cancel' },
        onclick: () => setOpen(false),
      },
      'Cancel',
    ),
  );
}
