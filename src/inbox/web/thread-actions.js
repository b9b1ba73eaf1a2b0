/**
 * The thread's header: who, on which page, who answers, the flag, and the actions on them: take over or give back
 * (`POST .../routing`), flag with a reason or clear the flag (`POST .../flag`).
 */
import { avatar } from './avatar.js';
import { h, replaceChildren, uid } from './dom.js';
import { describeError, personName, ROUTING, routingLabel } from './format.js';

/** `changed(changes)` is told each change the API confirmed. */
export function createThreadHeader({ api, id, notices, backHref, changed }) {
  const element = h('header', { class: 'thread__header' });
  const status = h('p', { class: 'visually-hidden', role: 'status' });
  let conversation;
  let page = '';
  let flagFormOpen = false;
  let reasonDraft = '';
  let busy = false;
  let drawn = '';

  async function act(action, run, done) {
    if (busy) return;
    busy = true;
    draw(conversation, page);
    const result = await run();
    busy = false;
    if (result.ok) {
      notices.clear('action');
      changed(done(result.value));
    } else if (result.error.status !== 401) {
      notices.show({ key: 'action', tone: 'error', text: `Could not ${action}. ${describeError(result.error)}` });
      draw(conversation, page);
    }
  }

  const setRouting = (routing) =>
    act(
      routing === 'human' ? 'take over' : 'give the conversation back',
      () => api.setRouting(id, routing),
      (value) => {
        status.textContent = routing === 'human' ? 'You took over the conversation.' : 'The assistant answers again.';
        return { routing: value.routing };
      },
    );

  const setFlag = (flagged, reason) =>
    act(
      flagged ? 'flag the conversation' : 'clear the flag',
      () => api.setFlag(id, flagged, reason),
      (value) => {
        flagFormOpen = false;
        reasonDraft = '';
        status.textContent = flagged ? 'Conversation flagged.' : 'Flag cleared.';
        return { flagged: value.flagged, flag_reason: value.flag_reason };
      },
    );

  function routingButtons() {
    const takeOver = h(
      'button',
      {
        type: 'button',
        class: 'button button--primary',
        disabled: busy,
        dataset: { testid: 'take-over' },
        onclick: () => setRouting('human'),
      },
      'Take over',
    );
    const giveBack = h(
      'button',
      {
        type: 'button',
        class: 'button',
        disabled: busy,
        dataset: { testid: 'give-back' },
        onclick: () => setRouting('bot'),
      },
      conversation.routing === 'paused' ? 'Resume the assistant' : 'Give back to the assistant',
    );
    if (conversation.routing === 'bot') return [takeOver];
    if (conversation.routing === 'human') return [giveBack];
    return [takeOver, giveBack];
  }

  function flagControls() {
    if (conversation.flagged) {
      return h(
        'button',
        {
          type: 'button',
          class: 'button',
          disabled: busy,
          dataset: { testid: 'clear-flag' },
          onclick: () => setFlag(false),
        },
        'Clear flag',
      );
    }
    if (!flagFormOpen) {
      return h(
        'button',
        {
          type: 'button',
          class: 'button',
          dataset: { testid: 'flag' },
          'aria-expanded': 'false',
          onclick() {
            flagFormOpen = true;
            draw(conversation, page);
            element.querySelector('[data-testid="flag-reason"]')?.focus();
          },
        },
        'Flag…',
      );
    }
    const reasonId = uid('flag-reason');
    const reason = h('input', {
      id: reasonId,
      type: 'text',
      maxlength: '200',
      value: reasonDraft,
      placeholder: 'Why should people look at it?',
      dataset: { testid: 'flag-reason' },
      oninput: (event) => {
        reasonDraft = event.target.value;
      },
    });
    return h(
      'form',
      {
        class: 'flag-form',
        dataset: { testid: 'flag-form' },
        onsubmit(event) {
          event.preventDefault();
          void setFlag(true, reason.value.trim() || undefined);
        },
        onkeydown(event) {
          if (event.key === 'Escape') {
            flagFormOpen = false;
            draw(conversation, page);
          }
        },
      },
      h('label', { for: reasonId, class: 'visually-hidden' }, 'Reason for the flag'),
      reason,
      h(
        'button',
        { type: 'submit', class: 'button button--danger', disabled: busy, dataset: { testid: 'flag-submit' } },
        'Flag',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button button--quiet',
          onclick() {
            flagFormOpen = false;
            draw(conversation, page);
          },
        },
        'Cancel',
      ),
    );
  }

  /** Draws the header again when something in it changed: a poll does not disturb a reason being typed. */
  function draw(next, pageName) {
    conversation = next;
    page = pageName;
    const state = JSON.stringify([conversation, page, busy, flagFormOpen]);
    if (state === drawn) return;
    drawn = state;
    const name = personName(conversation);
    const focusedTestId = document.activeElement?.closest?.('.thread__header')
      ? document.activeElement.dataset.testid
      : undefined;
    replaceChildren(
      element,
      h(
        'a',
        { class: 'back', href: backHref, dataset: { testid: 'back' } },
        h('span', { 'aria-hidden': 'true' }, '← '),
        'Conversations',
      ),
      h(
        'div',
        { class: 'thread__who' },
        avatar(name, 'avatar--large'),
        h(
          'div',
          {},
          h('h2', { class: 'thread__name', dataset: { testid: 'thread-name' } }, name),
          h(
            'p',
            { class: 'thread__sub' },
            page,
            ' · ',
            h(
              'span',
              {
                class: `badge badge--${conversation.routing}`,
                dataset: { testid: 'thread-routing' },
                title: ROUTING[conversation.routing]?.description ?? '',
              },
              routingLabel(conversation.routing),
            ),
          ),
        ),
      ),
      h('div', { class: 'thread__actions' }, routingButtons(), flagControls()),
      conversation.flagged &&
        h(
          'p',
          { class: 'flag-banner', dataset: { testid: 'thread-flag' } },
          h('strong', {}, 'Flagged'),
          conversation.flag_reason ? `: ${conversation.flag_reason}` : '',
        ),
      status,
    );
    // Redrawn under the reader's hands: the control they used keeps the focus when it is still there.
    if (focusedTestId) element.querySelector(`[data-testid="${focusedTestId}"]`)?.focus();
  }

  return {
    element,
    draw,
    missing() {
      replaceChildren(element, h('a', { class: 'back', href: backHref }, '← Conversations'));
    },
  };
}
