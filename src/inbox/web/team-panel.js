/**
 * The people who sign in to the inbox. Everyone sees the team and can choose their own password; admins add people
 * (the gateway generates their first password, shown here once), make them admins or agents, give them a new
 * password and remove them. The configured admin (`SWITCHBOARD_ADMIN_EMAIL`) is changed in the configuration only.
 */
import { askInPlace, h, placeInOrder, replaceChildren, uid, whileBusy } from './dom.js';
import { describeError, fullTime } from './format.js';
import { createReadOrder } from './read-order.js';

const ROLES = { admin: 'Admin', agent: 'Agent' };

/**
 * `me()`: the signed-in user (`{id, role, configured_admin}`). `changeOwnPassword(password)` asks the gateway for the
 * user's new password and keeps the session signed in with it (app.js), resolving to the API's result. `onUsers(users)`
 * is given each list of users a refresh brings: the inbox reads the team through `refresh` only.
 */
export function createTeamPanel({ api, notices, me, onUsers, changeOwnPassword }) {
  // The pages panel's list, with the same layout.
  const list = h('ul', { class: 'pages', dataset: { testid: 'team-list' } });
  // One region for every outcome, with the generated password when there is one: it is shown once, never again.
  const outcome = h('div', { class: 'team-outcome', role: 'status', dataset: { testid: 'team-outcome' } });
  const addForm = renderAddForm();
  const ownForm = renderOwnPasswordForm();
  const element = h(
    'section',
    { class: 'pages-panel team-panel', 'aria-labelledby': 'team-title', dataset: { testid: 'team-panel' } },
    h('div', { class: 'pages-panel__head' }, h('h2', { id: 'team-title' }, 'Team')),
    outcome,
    addForm,
    list,
    ownForm,
  );
  let users = [];
  /** Each member's drawn item, by user id, with what it was drawn from. */
  let members = new Map();
  const reads = createReadOrder();

  /**
   * Resolves to false when the team could not be loaded. The inbox's polls, the view opened and an action's read after
   * it overlap: an answer older than the newest one applied is dropped, so a poll under way as someone is renamed never
   * names them as before. `quiet`: a failure is not announced (the poll: the pages polled with it say so).
   */
  async function refresh({ quiet = false } = {}) {
    const mine = reads.next();
    const result = await api.users();
    if (!reads.apply(mine)) return true;
    if (!result.ok) {
      if (!quiet && result.error.status !== 401)
        notices.show({ key: 'team', tone: 'error', text: `Could not load the team. ${describeError(result.error)}` });
      return false;
    }
    notices.clear('team');
    users = result.value;
    onUsers(users);
    draw();
    return true;
  }

  /**
   * Each member's item is drawn again only when they or the signed-in user changed: a refresh that brings the same team
   * (the view opened again, another member changed) leaves a name being edited, and the focus, where they are.
   */
  function draw() {
    const self = me();
    addForm.hidden = self?.role !== 'admin';
    ownForm.hidden = !self || self.configured_admin;
    const viewer = JSON.stringify([self?.id, self?.role]);
    const drawn = new Map(
      users.map((user) => {
        const signature = `${JSON.stringify(user)} ${viewer}`;
        const kept = members.get(user.id);
        return [user.id, kept?.signature === signature ? kept : { item: renderUser(user, self), signature }];
      }),
    );
    members = drawn;
    placeInOrder(
      list,
      users.map((user) => drawn.get(user.id).item),
    );
  }

  function show(tone, text, secret) {
    replaceChildren(
      outcome,
      h(
        'p',
        { class: `team-outcome__text tone-${tone}` },
        text,
        secret &&
          h('code', { class: 'team-outcome__password', dataset: { testid: 'generated-password' } }, ` ${secret}`),
      ),
      secret && h('p', { class: 'team-outcome__hint' }, 'Give it to them now: it is not shown again.'),
    );
  }

  function renderAddForm() {
    const emailId = uid('team-email');
    const nameId = uid('team-name');
    const roleId = uid('team-role');
    const email = h('input', { id: emailId, type: 'email', required: true, autocomplete: 'off', name: 'email' });
    const name = h('input', { id: nameId, type: 'text', maxlength: '100', autocomplete: 'off', name: 'name' });
    const role = h(
      'select',
      { id: roleId, name: 'role' },
      Object.entries(ROLES).map(([value, label]) => h('option', { value, selected: value === 'agent' }, label)),
    );
    const submit = h('button', { type: 'submit', class: 'button button--primary' }, 'Add');
    return h(
      'form',
      {
        class: 'team-add',
        dataset: { testid: 'team-add' },
        hidden: true,
        async onsubmit(event) {
          event.preventDefault();
          await whileBusy(submit, async () => {
            const asked = { email: email.value.trim(), role: role.value };
            if (name.value.trim()) asked.name = name.value.trim();
            const result = await api.addUser(asked);
            if (!result.ok) return show('error', `Could not add ${asked.email}. ${describeError(result.error)}`);
            email.value = '';
            name.value = '';
            show('ok', `Added ${result.value.user.email}. Their password:`, result.value.password);
            await refresh();
          });
        },
      },
      h('h3', {}, 'Add someone'),
      h(
        'div',
        { class: 'team-add__fields' },
        h('label', { for: emailId }, 'Email'),
        email,
        h('label', { for: nameId }, 'Name (optional)'),
        name,
        h('label', { for: roleId }, 'Role'),
        role,
        submit,
      ),
    );
  }

  function renderUser(user, self) {
    const isSelf = user.id === self?.id;
    // Not oneself: no admin demotes or removes themselves, and their own password is chosen under "Your password".
    const manage = self?.role === 'admin' && !user.configured_admin && !isSelf;
    // The name replies are signed with: an admin names anyone, everyone names themselves.
    const canRename = self?.role === 'admin' || isSelf;
    const label = user.name ? `${user.name} (${user.email})` : user.email;
    return h(
      'li',
      { class: 'page team-member', dataset: { testid: 'team-member', email: user.email, role: user.role } },
      h(
        'div',
        { class: 'page__head' },
        h('h3', { class: 'page__name' }, user.name ?? user.email),
        h('span', { class: 'badge tone-muted', dataset: { testid: 'member-role' } }, ROLES[user.role] ?? user.role),
        isSelf && h('span', { class: 'page__meta' }, 'you'),
      ),
      h(
        'p',
        { class: 'page__meta' },
        user.email,
        ` · since ${fullTime(user.created_at)}`,
        user.configured_admin ? ' · the admin of the configuration (SWITCHBOARD_ADMIN_EMAIL)' : '',
      ),
      (manage || canRename) &&
        h(
          'div',
          { class: 'team-member__actions' },
          canRename && renameForm(user, label, isSelf),
          manage && [roleButton(user, label), passwordButton(user, label), removeButton(user, label)],
        ),
    );
  }

  /**
   * A button that runs `call()` (an API request) while it shows busy; the outcome is said in the panel: `failed` (what
   * could not be done) or `done(value)`, which may say more or load the team again.
   */
  function actionButton({ testid, text, tone = 'quiet', hidden, call, failed, done }) {
    const button = h(
      'button',
      {
        type: 'button',
        class: `button button--${tone}`,
        dataset: { testid },
        hidden,
        onclick: () =>
          whileBusy(button, async () => {
            const result = await call();
            if (!result.ok) return show('error', `Could not ${failed}. ${describeError(result.error)}`);
            await done(result.value);
          }),
      },
      text,
    );
    return button;
  }

  function roleButton(user, label) {
    const next = user.role === 'admin' ? 'agent' : 'admin';
    return actionButton({
      testid: 'member-make-role',
      text: next === 'admin' ? 'Make admin' : 'Make agent',
      call: () => api.updateUser(user.id, { role: next }),
      failed: `change ${label}`,
      async done() {
        show('ok', `${label} is now ${next === 'admin' ? 'an admin' : 'an agent'}.`);
        await refresh();
      },
    });
  }

  function passwordButton(user, label) {
    return actionButton({
      testid: 'member-new-password',
      text: 'New password',
      call: () => api.resetPassword(user.id),
      failed: `give ${label} a new password`,
      done: (value) => show('ok', `New password for ${label}:`, value.password),
    });
  }

  /** The name, edited in place after a click on Rename…: Enter saves, Cancel puts the button back. */
  function renameForm(user, label, isSelf) {
    const inputId = uid('member-name');
    const input = h('input', {
      id: inputId,
      type: 'text',
      maxlength: '100',
      autocomplete: 'off',
      value: user.name ?? '',
      dataset: { testid: 'member-name' },
    });
    const save = h('button', { type: 'submit', class: 'button button--primary' }, 'Save name');
    const cancel = h('button', { type: 'button', class: 'button button--quiet' }, 'Cancel');
    const ask = h(
      'button',
      { type: 'button', class: 'button button--quiet', dataset: { testid: 'member-rename' } },
      'Rename…',
    );
    const form = h(
      'form',
      {
        class: 'team-member__rename',
        hidden: true,
        onsubmit(event) {
          event.preventDefault();
          return whileBusy(save, async () => {
            const name = input.value.trim();
            const result = isSelf ? await api.renameMe(name) : await api.updateUser(user.id, { name });
            if (!result.ok) return show('error', `Could not rename ${label}. ${describeError(result.error)}`);
            show('ok', name ? `${user.email} is now named ${name}.` : `${user.email} has no name now.`);
            await refresh();
          });
        },
      },
      h('label', { for: inputId }, `Name of ${user.email}`),
      input,
      save,
      cancel,
    );
    askInPlace({ ask, shown: [form], focus: input, cancel });
    return h('span', { class: 'team-member__name' }, ask, form);
  }

  /** Asks again in place before removing: a slip of the mouse should not lock a colleague out. */
  function removeButton(user, label) {
    const confirm = actionButton({
      testid: 'member-confirm-remove',
      text: `Remove ${user.name ?? user.email}`,
      tone: 'danger',
      hidden: true,
      call: () => api.removeUser(user.id),
      failed: `remove ${label}`,
      async done() {
        show('ok', `Removed ${label}.`);
        await refresh();
      },
    });
    const cancel = h('button', { type: 'button', class: 'button button--quiet', hidden: true }, 'Keep');
    const ask = h(
      'button',
      { type: 'button', class: 'button button--quiet', dataset: { testid: 'member-remove' } },
      'Remove…',
    );
    askInPlace({ ask, shown: [confirm, cancel], focus: confirm, cancel });
    return h('span', { class: 'team-member__remove' }, ask, confirm, cancel);
  }

  function renderOwnPasswordForm() {
    const newId = uid('own-password');
    const againId = uid('own-password-again');
    const password = h('input', { id: newId, type: 'password', minlength: '12', autocomplete: 'new-password' });
    const again = h('input', { id: againId, type: 'password', minlength: '12', autocomplete: 'new-password' });
    const status = h('p', { class: 'team-own__status', role: 'status', dataset: { testid: 'own-password-status' } });
    const submit = h('button', { type: 'submit', class: 'button' }, 'Change my password');
    return h(
      'form',
      {
        class: 'team-own',
        dataset: { testid: 'own-password' },
        hidden: true,
        async onsubmit(event) {
          event.preventDefault();
          const problem =
            password.value.length < 12
              ? 'Use at least 12 characters.'
              : password.value !== again.value
                ? 'The two passwords differ.'
                : undefined;
          status.textContent = problem ?? '';
          if (problem) return;
          await whileBusy(submit, async () => {
            const result = await changeOwnPassword(password.value);
            if (!result.ok) {
              status.textContent = `Could not change your password. ${describeError(result.error)}`;
              return;
            }
            password.value = '';
            again.value = '';
            status.textContent = 'Your password is changed.';
          });
        },
      },
      h('h3', {}, 'Your password'),
      h(
        'div',
        { class: 'team-add__fields' },
        h('label', { for: newId }, 'New password'),
        password,
        h('label', { for: againId }, 'Again'),
        again,
        submit,
      ),
      status,
    );
  }

  return { element, refresh, draw };
}
