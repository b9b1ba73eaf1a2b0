/**
 * Edits, as in Messenger: an Edit button beside the person's own texts, a bar above the composer
 * while the composer holds the text being edited, and an "Edited" label under an edited bubble.
 * Messenger allows an edit for 15 minutes after sending and five edits per message: the button is there only
 * while both hold on the emulator's clock (thread-model.js `isEditable`), and goes when either ends. The emulator
 * still decides: an edit it refuses (409, e.g. sent just as the time ran out) shows as a toast.
 */
import { createComposerBar } from './composer-bar.js';
import { h, icon } from './dom.js';
import { EDIT } from './icons.js';
import { itemMid } from './thread-model.js';

/** The Edit button of one of the person's texts; `onEdit()` starts the edit. */
export function renderEditButton(onEdit) {
  return h(
    'button',
    {
      type: 'button',
      class: 'row__tool edit-button',
      'aria-label': 'Edit',
      dataset: { testid: 'edit-button' },
      onclick: () => onEdit(),
    },
    icon(EDIT),
  );
}

/** The small label under an edited bubble. */
export function renderEditedLabel() {
  return h('div', { class: 'row__edited', dataset: { testid: 'edited-label' } }, 'Edited');
}

/**
 * The bar at the top of `root` (the composer area) while the person edits a message. `show(item)`
 * starts editing it; `take()` ends the edit and returns `{mid, text}` (the message and its text
 * before the edit), undefined when none was under way; `cancel()` ends it. Escape in `root` or the
 * close button cancels, then runs `onCancel()`.
 */
export function createEditBar(root, { onCancel }) {
  const bar = createComposerBar(root, { onCancel, testid: 'edit', cancelLabel: 'Cancel edit' });
  return {
    show(item) {
      const editing = { mid: itemMid(item), text: item.message?.text ?? '' };
      bar.show(editing, { to: h('strong', {}, 'Editing message'), preview: editing.text });
    },
    take: bar.take,
    cancel: bar.cancel,
  };
}
