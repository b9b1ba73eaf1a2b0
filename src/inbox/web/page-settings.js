/**
 * A page's settings as the inbox edits them (`PATCH /api/pages/:id/settings`; the keys are config/page-settings.ts's,
 * which checks every value): what each field is, how its text becomes a value, and what a save sends.
 */

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
export const dayName = (day) => DAY_NAMES[day];

/**
 * The fields, in groups. `kind`: `check` (a boolean), `text`, `choice`, `number`, `list` (one entry per line) or
 * `hours`. `optional`: left empty, the setting goes back to the configuration's (null in the request).
 */
export const SETTING_GROUPS = [
  {
    title: 'Assistant',
    fields: [
      { key: 'auto_replies', kind: 'check', label: 'The assistant answers' },
      {
        key: 'away_message',
        kind: 'text',
        label: 'Away message',
        help: 'Sent once per session while the assistant does not answer.',
      },
      {
        key: 'fallback_text',
        kind: 'text',
        label: 'When the assistant fails',
        help: 'Sent when the bot or the model cannot answer.',
      },
      {
        key: 'welcome_on_first_message',
        kind: 'check',
        label: 'Welcome people on their first message too, not only on Get Started (flow assistants)',
      },
    ],
  },
  {
    title: 'Pacing',
    fields: [
      {
        key: 'response_delay',
        kind: 'choice',
        label: 'Response delay',
        options: [
          ['instant', 'Instant'],
          ['short', 'Short'],
          ['medium', 'Medium'],
          ['long', 'Long'],
        ],
      },
      { key: 'typing_indicators', kind: 'check', label: 'Show typing while answering' },
      { key: 'mark_seen', kind: 'check', label: 'Mark people’s messages as seen' },
      {
        key: 'delay_between_messages_ms',
        kind: 'number',
        label: 'Pause between messages (ms)',
        min: 0,
        max: 60_000,
      },
      {
        key: 'readable_length',
        kind: 'number',
        label: 'Split texts longer than (characters)',
        help: '0 never splits.',
        min: 0,
        max: 2000,
      },
    ],
  },
  {
    title: 'Conversations',
    fields: [
      {
        key: 'session_timeout_minutes',
        kind: 'number',
        label: 'A session ends after (minutes of silence)',
        help: 'The assistant starts afresh after it.',
        min: 1,
        max: 7 * 24 * 60,
      },
      {
        key: 'human_reply_pause_minutes',
        kind: 'number',
        label: 'The assistant waits after a reply from the Page Inbox (minutes)',
        min: 0,
        max: 365 * 24 * 60,
      },
      {
        key: 'escalation_keywords',
        kind: 'list',
        label: 'Words that flag a conversation for the team',
        help: 'One per line; matched as whole words, ignoring case and accents.',
      },
    ],
  },
  {
    title: 'Messenger profile',
    fields: [
      {
        key: 'greeting',
        kind: 'text',
        optional: true,
        label: 'Greeting',
        help: 'Shown before a person’s first message, at most 160 characters; {{user_first_name}} is replaced. Empty: as configured.',
      },
    ],
  },
  {
    title: 'Limits',
    fields: [
      {
        key: 'rate_limit_per_minute',
        kind: 'number',
        label: 'Messages a person may send per minute',
        help: 'The rest are kept, not answered.',
        min: 1,
      },
      {
        key: 'send_rate_per_second',
        kind: 'number',
        label: 'Messages this page sends per second',
        min: 0.1,
        step: 0.1,
      },
    ],
  },
  {
    title: 'Business hours',
    fields: [
      {
        key: 'business_hours',
        kind: 'hours',
        optional: true,
        help: 'Ranges such as 09:00-12:00, 14:00-18:00; a day left empty is closed. No time zone: as configured.',
      },
    ],
  },
];

/** What a field's input shows for `value` (an hours field: `{time_zone, days: {mon: '09:00-12:00', …}}`). */
export function toInput(field, value) {
  switch (field.kind) {
    case 'check':
      return value === true;
    case 'list':
      return (value ?? []).join('\n');
    case 'number':
      return value === undefined ? '' : String(value);
    case 'hours':
      return {
        time_zone: value?.time_zone ?? '',
        days: Object.fromEntries(DAYS.map((day) => [day, (value?.days?.[day] ?? []).join(', ')])),
      };
    default:
      return value ?? '';
  }
}

/** The value a field's input holds: undefined for an optional field left empty (the configuration's then). */
export function fromInput(field, input) {
  switch (field.kind) {
    case 'check':
      return input === true;
    case 'list':
      return input
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    case 'number':
      // Not a number: sent as typed, for the gateway to say what it expects.
      return input.trim() === '' || Number.isNaN(Number(input)) ? input.trim() : Number(input);
    case 'hours': {
      const timeZone = input.time_zone.trim();
      const days = Object.fromEntries(
        DAYS.map((day) => [
          day,
          (input.days[day] ?? '')
            .split(',')
            .map((range) => range.replace(/\s+/g, ''))
            .filter(Boolean),
        ]).filter(([, ranges]) => ranges.length > 0),
      );
      if (!timeZone && Object.keys(days).length === 0) return undefined;
      return { time_zone: timeZone, days };
    }
    default:
      return field.optional && input.trim() === '' ? undefined : input;
  }
}

/** The gateway's refusal (`greeting: has 170 characters…`) with the setting named as the form names it. */
export function nameSettingIn(message) {
  const match = /^(\w+)((?:\.\w+)*):/.exec(message);
  const field = match && SETTING_GROUPS.flatMap((group) => group.fields).find((f) => f.key === match[1]);
  if (!field) return message;
  const name = field.label ?? SETTING_GROUPS.find((group) => group.fields.includes(field)).title;
  const within = match[2] ? ` (${match[2].slice(1)})` : '';
  return `${name}${within}:${message.slice(match[0].length)}`;
}

/**
 * What a save sends: the settings `edited` changed from `current`, an optional one emptied as null (back to the
 * configuration's). Undefined when nothing changed.
 */
export function settingsChanges(current, edited) {
  const changes = {};
  for (const [key, value] of Object.entries(edited)) {
    if (value === undefined) {
      if (current[key] !== undefined) changes[key] = null;
    } else if (!sameValue(value, current[key])) changes[key] = value;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/** Equal as JSON, with an hours value's days in any order. */
function sameValue(a, b) {
  const canonical = (v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical(v[k])]),
        )
      : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
