/**
 * The reply box's "Send as" choice: a reply (the default) or a business update with its message tag, and under it
 * what the chosen update is for (update-tags.js). A native `<select>`, labelled, so the keyboard works as everywhere.
 */
import { h, setText, uid } from './dom.js';
import { describeSendKind, SEND_KINDS, tagOf } from './update-tags.js';

/** `changed(tag)` runs when the agent picks another kind (tag undefined: a reply). */
export function createSendAs({ changed }) {
  let windowState;
  const helpId = uid('send-as-help');
  const select = h(
    'select',
    {
      id: uid('send-as'),
      'aria-describedby': helpId,
      dataset: { testid: 'send-as' },
      onchange() {
        explain();
        changed(tag());
      },
    },
    SEND_KINDS.map((kind) => h('option', { value: kind.tag }, kind.label)),
  );
  const help = h('p', { id: helpId, class: 'composer__kind-help', hidden: true, dataset: { testid: 'send-as-help' } });
  const element = h(
    'div',
    { class: 'composer__kind' },
    h('label', { class: 'composer__kind-choice' }, h('span', {}, 'Send as'), select),
    help,
  );

  function tag() {
    return tagOf(select.value);
  }

  function explain() {
    const text = describeSendKind(tag(), windowState);
    setText(help, text);
    help.hidden = text === '';
  }

  return {
    element,
    /** For the reply box's `aria-describedby`: what it writes goes as the chosen kind. */
    helpId,
    tag,
    /** Shows `next` chosen (a draft's tag), or a reply. */
    choose(next) {
      select.value = tagOf(next) ?? '';
      explain();
    },
    /** The window's state (format.js `describeWindow`), which decides whether an update goes tagged. */
    setWindow(state) {
      windowState = state;
      explain();
    },
    /** Fixed while a message is on its way: the kind shown is the one it goes as. */
    setBusy(on) {
      select.disabled = on;
    },
  };
}
