/**
 * An admin's form for one page's settings, opened under its row in the pages panel. The panel keeps it while it
 * draws the pages again (each poll), so what is typed stays; it sends only what changed.
 */
import { h, uid, whileBusy } from './dom.js';
import { describeError } from './format.js';
import { DAYS, dayName, fromInput, nameSettingIn, SETTING_GROUPS, settingsChanges, toInput } from './page-settings.js';

const FIELDS = SETTING_GROUPS.flatMap((group) => group.fields);

/** `onSaved()`: the page's settings changed, for the panel to read the pages again. */
export function createPageSettingsForm({ api, page, onSaved }) {
  let current = page.settings ?? {};
  const inputs = new Map(FIELDS.map((field) => [field.key, renderInput(field)]));
  const status = h('p', { class: 'page-settings__status', role: 'status', dataset: { testid: 'settings-status' } });
  const save = h('button', { type: 'submit', class: 'button button--primary' }, 'Save settings');
  const element = h(
    'form',
    {
      class: 'page-settings',
      dataset: { testid: 'page-settings' },
      'aria-label': `Settings of ${page.name ?? page.id}`,
      async onsubmit(event) {
        event.preventDefault();
        await whileBusy(save, submit);
      },
    },
    SETTING_GROUPS.map((group) =>
      h(
        'fieldset',
        { class: 'page-settings__group' },
        h('legend', {}, group.title),
        group.fields.map((field) => inputs.get(field.key).element),
      ),
    ),
    h('div', { class: 'page-settings__actions' }, save, status),
  );
  fill();

  function fill(which = () => true) {
    for (const field of FIELDS.filter(which)) inputs.get(field.key).set(toInput(field, current[field.key]));
  }

  async function submit() {
    const typed = new Map(FIELDS.map((field) => [field.key, inputs.get(field.key).get()]));
    const edited = Object.fromEntries(FIELDS.map((field) => [field.key, fromInput(field, typed.get(field.key))]));
    const changes = settingsChanges(current, edited);
    if (!changes) return say('ok', 'Nothing to save: the settings are as shown.');
    const result = await api.updatePageSettings(page.id, changes);
    if (!result.ok) {
      const error = { ...result.error, message: nameSettingIn(result.error.message) };
      if (error.status !== 401) say('error', `Not saved. ${describeError(error)}`);
      return;
    }
    const { data: settings, profile_sync: synced } = result.value;
    current = settings;
    // As saved, but a field typed into while the save was on its way: that is the next save's.
    fill((field) => JSON.stringify(inputs.get(field.key).get()) === JSON.stringify(typed.get(field.key)));
    say(synced === 'failed' ? 'warning' : 'ok', savedMessage(synced, settings.greeting));
    onSaved();
  }

  function say(tone, text) {
    status.className = `page-settings__status tone-${tone}`;
    status.textContent = text;
  }

  return { element };
}

/** What a save says; `synced`: how syncing a changed greeting to Messenger went (none when it did not change). */
function savedMessage(synced, greeting) {
  if (!synced) return 'Saved.';
  if (synced === 'failed') return 'Saved, but Messenger did not take the greeting yet: see the page’s profile.';
  return greeting
    ? 'Saved, and the greeting is on Messenger.'
    : 'Saved, and Messenger shows the configured greeting, if any.';
}

/** A field's label, input and help, with `get()` and `set(value)` on its input's value. */
function renderInput(field) {
  const id = uid(`setting-${field.key}`);
  const helpId = field.help ? uid('setting-help') : undefined;
  const help = field.help && h('p', { id: helpId, class: 'page-settings__help' }, field.help);
  const common = { id, name: field.key, 'aria-describedby': helpId, dataset: { testid: `setting-${field.key}` } };
  if (field.kind === 'check') {
    const box = h('input', { ...common, type: 'checkbox' });
    return {
      element: h('div', { class: 'page-settings__check' }, box, h('label', { for: id }, field.label), help),
      get: () => box.checked,
      set: (value) => {
        box.checked = value;
      },
    };
  }
  if (field.kind === 'hours') return renderHours(help, helpId);
  const input =
    field.kind === 'choice'
      ? h(
          'select',
          common,
          field.options.map(([value, label]) => h('option', { value }, label)),
        )
      : field.kind === 'number'
        ? h('input', { ...common, type: 'number', min: field.min, max: field.max, step: field.step ?? 1 })
        : h('textarea', { ...common, rows: field.kind === 'list' ? 3 : 2 });
  return {
    element: h('div', { class: 'page-settings__field' }, h('label', { for: id }, field.label), input, help),
    get: () => input.value,
    set: (value) => {
      input.value = value;
    },
  };
}

/** The time zone and a line of ranges per weekday. */
function renderHours(help, helpId) {
  const zoneId = uid('setting-time-zone');
  const zone = h('input', {
    id: zoneId,
    type: 'text',
    placeholder: 'Europe/Paris',
    'aria-describedby': helpId,
    dataset: { testid: 'setting-time_zone' },
  });
  const days = new Map(
    DAYS.map((day) => [
      day,
      h('input', { id: uid(`setting-${day}`), type: 'text', dataset: { testid: `hours-${day}` } }),
    ]),
  );
  const element = h(
    'div',
    { class: 'page-settings__hours' },
    help,
    h('div', { class: 'page-settings__field' }, h('label', { for: zoneId }, 'Time zone'), zone),
    [...days].map(([day, input]) =>
      h('div', { class: 'page-settings__day' }, h('label', { for: input.id }, dayName(day)), input),
    ),
  );
  return {
    element,
    get: () => ({
      time_zone: zone.value,
      days: Object.fromEntries([...days].map(([day, input]) => [day, input.value])),
    }),
    set: (value) => {
      zone.value = value.time_zone;
      for (const [day, input] of days) input.value = value.days[day];
    },
  };
}
