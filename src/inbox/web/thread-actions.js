/**
 * The thread's header: who, on which page, who answers, whose it is, the flag, and the actions on them: take over or
 * give back (`POST .../routing`), assign (`POST .../assignee`), flag with a reason or clear the flag (`POST .../flag`).
 */
import { avatar } from './avatar.js';
import { h } from './dom.js';
import { renderFlagControls } from './flag-controls.js';
import { describeError, describeFlag, describeRouting, personName } from './format.js';

/**
 * `changed(changes)` is told each change the API confirmed. `team()`: the inbox's users, to assign to; `me`: the
 * signed-in user.
 */
export function createThreadHeader({ api, id, notices, backHref, changed, team, me }) {
  // The status stays in the header as it is drawn again, its text alone changing: a live region taken out and put
  // back may be announced twice, or not at all.
  const status = h('p', { class: 'visually-hidden', role: 'status', dataset: { testid: 'thread-status' } });
  const element = h('header', { class: 'thread__header' }, status);
  let conversation;
  let page = '';
  let flagFormOpen = false;
  let reasonDraft = '';
  /** The assignee chosen in the select and not yet confirmed (`to`: a user id, '' for nobody), over `from`. */
  let assigneeDraft;
  let busy = false;
  let drawn = '';
  const who = () => (conversation ? personName(conversation) : 'this person');

  /**
   * One action at a time: its buttons stay focusable while it runs (`aria-disabled`, clicks ignored), and once it is
   * done the button that took the clicked one's place (`focusAfter`, a test id) gets the focus the clicked one had.
   */
  async function act({ action, run, done, focusAfter }) {
    if (busy) return;
    busy = true;
    draw(conversation, page);
    const result = await run();
    busy = false;
    // Keyed by conversation and naming the person: the agent may have opened another one meanwhile.
    const key = `action-${id}`;
    if (result.ok) {
      const focused = element.contains(document.activeElement);
      notices.clear(key);
      changed(done(result.value));
      if (focused) element.querySelector(`[data-testid="${focusAfter}"]`)?.focus();
    } else if (result.error.status !== 401) {
      notices.show({ key, tone: 'error', text: `Could not ${action()}. ${describeError(result.error)}` });
      draw(conversation, page);
    }
  }

  const setRouting = (routing) =>
    act({
      action: () =>
        routing === 'human' ? `take over the conversation with ${who()}` : `give the conversation with ${who()} back`,
      run: () => api.setRouting(id, routing),
      done(value) {
        status.textContent = routing === 'human' ? 'You took over the conversation.' : 'The assistant answers again.';
        const { routing: now, paused_until, thread_elsewhere_since, assignee_id, assignee_name } = value;
        return { routing: now, paused_until, thread_elsewhere_since, assignee_id, assignee_name };
      },
      focusAfter: routing === 'human' ? 'give-back' : 'take-over',
    });

  const setFlag = (flagged, reason) =>
    act({
      action: () =>
        flagged ? `flag the conversation with ${who()}` : `clear the flag of the conversation with ${who()}`,
      run: () => api.setFlag(id, flagged, reason),
      done(value) {
        flagFormOpen = false;
        reasonDraft = '';
        status.textContent = flagged ? 'Conversation flagged.' : 'Flag cleared.';
        return { flagged: value.flagged, flag_reason: value.flag_reason };
      },
      focusAfter: flagged ? 'clear-flag' : 'flag',
    });

  const assign = (userId) =>
    act({
      action: () => `assign the conversation with ${who()}`,
      run: () => api.assign(id, userId),
      done(value) {
        assigneeDraft = undefined;
        status.textContent = value.assignee_name ? `Assigned to ${value.assignee_name}.` : 'Assigned to nobody.';
        return { assignee_id: value.assignee_id, assignee_name: value.assignee_name };
      },
      focusAfter: 'assign',
    });

  /**
   * Whose the conversation is: nobody, or one of the team (a user removed meanwhile shows by the name it had). Chosen,
   * then confirmed with Assign: a closed select changes with each arrow key, and would assign everyone on the way.
   */
  function assigneeControl() {
    const users = team();
    const current = conversation.assignee_id ?? '';
    const known = current === '' || users.some((user) => user.id === current);
    const select = h(
      'select',
      {
        dataset: { testid: 'assignee' },
        onchange: (event) => {
          assigneeDraft = { from: current, to: event.target.value };
        },
      },
      h('option', { value: '' }, 'Nobody'),
      !known && h('option', { value: current }, conversation.assignee_name ?? current),
      users.map((user) =>
        h('option', { value: user.id }, `${user.name ?? user.email}${user.id === me.id ? ' (me)' : ''}`),
      ),
    );
    // A choice not yet confirmed outlives a redraw, unless someone assigned the conversation meanwhile: it shows theirs.
    select.value = assigneeDraft?.from === current ? assigneeDraft.to : current;
    if (select.selectedIndex < 0) select.value = current;
    return h(
      'form',
      {
        class: 'thread__assignee',
        onsubmit(event) {
          event.preventDefault();
          void assign(select.value || null);
        },
      },
      h('label', {}, h('span', {}, 'Assigned to'), select),
      h(
        'button',
        { type: 'submit', class: 'button', 'aria-disabled': busy && 'true', dataset: { testid: 'assign' } },
        'Assign',
      ),
    );
  }

  function routingButtons() {
    const takeOver = h(
      'button',
      {
        type: 'button',
        class: 'button button--primary',
        'aria-disabled': busy && 'true',
        dataset: { testid: 'take-over' },
        onclick: () => setRouting('human'),
      },
      'Take over',
    );
    // While another app holds the person's thread, giving back takes it first (the gateway asks Facebook).
    const takesThread = conversation.thread_elsewhere_since != null;
    const giveBack = h(
      'button',
      {
        type: 'button',
        class: 'button',
        'aria-disabled': busy && 'true',
        dataset: { testid: 'give-back' },
        title: takesThread && 'Takes the person’s thread back from the app that has it, then the assistant answers',
        onclick: () => setRouting('bot'),
      },
      conversation.routing === 'paused' ? 'Resume the assistant' : 'Give back to the assistant',
    );
    if (conversation.routing === 'bot') return [takeOver];
    if (conversation.routing === 'human') return [giveBack];
    return [takeOver, giveBack];
  }

  function flagControls() {
    return renderFlagControls({
      conversation,
      busy,
      open: flagFormOpen,
      draft: reasonDraft,
      setOpen(open) {
        flagFormOpen = open;
        draw(conversation, page);
        // Closed (Cancel, Escape), the focus goes back to the toggle rather than to the page.
        element.querySelector(`[data-testid="${open ? 'flag-reason' : 'flag'}"]`)?.focus();
      },
      setDraft: (text) => {
        reasonDraft = text;
      },
      flag: (reason) => setFlag(true, reason),
      clear: () => setFlag(false),
    });
  }

  /**
   * Draws the header again when something it shows changed: a poll that brings a new message (`last_inbound_at`) does
   * not disturb a reason being typed.
   */
  function draw(next, pageName) {
    conversation = next;
    page = pageName;
    const { first_name, last_name, contact_external_id, profile_pic, routing, flagged, flag_reason } = conversation;
    const pause = [conversation.paused_until, conversation.thread_elsewhere_since];
    const shown = [first_name, last_name, contact_external_id, profile_pic, routing, pause, flagged, flag_reason];
    const assignment = [conversation.assignee_id, conversation.assignee_name, team().map((u) => [u.id, u.name])];
    const state = JSON.stringify([shown, assignment, page, busy, flagFormOpen]);
    if (state === drawn) return;
    drawn = state;
    const focus = keepFocus(element);
    rebuild();
    focus.restore();
  }

  /** Everything in the header but its status, which stays where it is. */
  function show(...children) {
    for (const child of Array.from(element.childNodes)) if (child !== status) child.remove();
    status.before(...children.filter(Boolean));
  }

  /** On a narrow screen, where the thread shows alone: the way back to the list (hidden beside it, see layout.css). */
  const back = () =>
    h(
      'a',
      { class: 'back', href: backHref, dataset: { testid: 'back' } },
      h('span', { 'aria-hidden': 'true' }, '← '),
      'Conversations',
    );

  function rebuild() {
    show(
      back(),
      renderWho(conversation, page),
      h('div', { class: 'thread__actions' }, routingButtons(), assigneeControl(), flagControls()),
      conversation.flagged &&
        h(
          'p',
          { class: 'flag-banner', dataset: { testid: 'thread-flag' } },
          h('strong', {}, 'Flagged'),
          conversation.flag_reason ? `: ${describeFlag(conversation.flag_reason)}` : '',
        ),
    );
  }

  return {
    element,
    draw,
    /** The team changed: the assignee's choices follow. */
    redraw: () => conversation && draw(conversation, page),
    /** No conversation to show (none such, or not loaded yet): the way back alone, until `draw`. */
    backOnly() {
      drawn = '';
      const focus = keepFocus(element);
      show(back());
      focus.restore();
    },
  };
}

/** Who the conversation is with, on which page, who answers, and until when a pause lasts. */
function renderWho(conversation, page) {
  const name = personName(conversation);
  const described = describeRouting(conversation);
  const routing = h(
    'span',
    {
      class: `badge badge--${conversation.routing}`,
      dataset: { testid: 'thread-routing' },
      title: described.description,
    },
    described.label,
  );
  const until = described.until && [' ', h('span', { dataset: { testid: 'thread-pause' } }, described.until)];
  return h(
    'div',
    { class: 'thread__who' },
    avatar(name, { className: 'avatar--large', picture: conversation.profile_pic }),
    h(
      'div',
      {},
      h('h2', { class: 'thread__name', dir: 'auto', dataset: { testid: 'thread-name' } }, name),
      h('p', { class: 'thread__sub' }, page, ' · ', routing, until),
    ),
  );
}

/**
 * The focused control inside `container`, to focus again once it is rebuilt under the reader's hands: found by its
 * test id, with the caret and selection of a text field.
 */
function keepFocus(container) {
  const active = document.activeElement;
  if (!active || !container.contains(active)) return { restore() {} };
  const testid = active.dataset.testid;
  const selection =
    typeof active.selectionStart === 'number'
      ? [active.selectionStart, active.selectionEnd, active.selectionDirection]
      : undefined;
  return {
    restore() {
      const again = testid ? container.querySelector(`[data-testid="${testid}"]`) : undefined;
      if (!again) return;
      again.focus();
      if (selection && typeof again.setSelectionRange === 'function') again.setSelectionRange(...selection);
    },
  };
}
