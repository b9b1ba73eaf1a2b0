/** Labels the inbox shows: names, times, routing, statuses, the messaging window. Pure: no DOM, no fetch. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The person's name, or a stand-in from the end of their page-scoped id when the profile is unknown. */
export function personName(conversation) {
  const name = [conversation.first_name, conversation.last_name].filter(Boolean).join(' ').trim();
  if (name) return name;
  const id = String(conversation.contact_external_id ?? '');
  return id ? `Person …${id.slice(-4)}` : 'Unknown person';
}

/** One or two letters for an avatar: first and last word's initials. */
export function initials(name) {
  const words = String(name).trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A stable hue (0–359) for a name, so one person keeps one avatar colour. */
export function hueFor(name) {
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/**
 * A short time for lists: `now`, `5 min`, `14:03` today, `Tue` within a week, else `3 Mar`. `options.locale` and
 * `options.timeZone` default to the browser's.
 */
export function shortTime(ms, options = {}) {
  const now = options.now ?? Date.now();
  const { locale, timeZone } = options;
  const age = now - ms;
  if (age < MINUTE && age > -MINUTE) return 'now';
  if (age > 0 && age < HOUR) return `${Math.floor(age / MINUTE)} min`;
  const day = (t) => new Date(t).toLocaleDateString('en-CA', { timeZone });
  if (day(ms) === day(now))
    return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', timeZone });
  if (age > 0 && age < 6 * DAY) return new Date(ms).toLocaleDateString(locale, { weekday: 'short', timeZone });
  // The year only when it is not this one: "5 Dec" a year ago read as last week.
  const year = (t) => new Date(t).toLocaleDateString('en-CA', { year: 'numeric', timeZone });
  const otherYear = year(ms) !== year(now) ? { year: 'numeric' } : {};
  return new Date(ms).toLocaleDateString(locale, { day: 'numeric', month: 'short', ...otherYear, timeZone });
}

/** The full date and time, for a `title` or a `<time>` label. */
export function fullTime(ms, options = {}) {
  return new Date(ms).toLocaleString(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  });
}

/** "45 minutes", "26 hours", "8 days": hours up to three days, since the rules turn on 24 hours. */
export function describeAge(ms) {
  const plural = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < HOUR) return plural(Math.max(0, Math.floor(ms / MINUTE)), 'minute');
  if (ms < 72 * HOUR) return plural(Math.floor(ms / HOUR), 'hour');
  return plural(Math.floor(ms / DAY), 'day');
}

/** Who owns the conversation, as a badge says it. */
export const ROUTING = {
  bot: { label: 'Bot', description: 'The assistant answers' },
  human: { label: 'Agent', description: 'An agent has taken over; the assistant is silent' },
  paused: { label: 'Paused', description: 'The Page Inbox or another app has the conversation; the assistant waits' },
};

export function routingLabel(routing) {
  return ROUTING[routing]?.label ?? String(routing);
}

/**
 * Who answers a conversation (`routing`, `paused_until`, `thread_elsewhere_since` as the API gives them), and until
 * when a pause lasts: until the thread comes back while another app holds it (the API gives no end then), else until
 * the end of the pause for a reply typed in the Page Inbox.
 */
export function describeRouting(conversation, options = {}) {
  const { routing, paused_until: until, thread_elsewhere_since: elsewhere } = conversation;
  const base = { label: routingLabel(routing), description: ROUTING[routing]?.description ?? '', until: undefined };
  if (routing !== 'paused') return base;
  if (elsewhere != null)
    return {
      ...base,
      description: 'The Page Inbox or another app has the person’s thread; the assistant waits until it comes back',
      until: 'until the thread comes back',
    };
  if (typeof until !== 'number') return base;
  return {
    ...base,
    description: `A reply typed in the Page Inbox paused the assistant until ${fullTime(until, options)}`,
    until: `until ${shortTime(until, options)}`,
  };
}

/**
 * Who wrote a message: the person, the assistant, an agent or a tagged update (by name when the gateway knows who),
 * or the page outside Switchboard.
 */
export function authorLabel(message, person) {
  if (message.direction === 'in') return person;
  switch (message.author) {
    case 'bot':
      return 'Assistant';
    case 'agent':
      return byName('Agent', message);
    case 'system':
      return byName('Update', message);
    case 'external':
      return 'Page Inbox';
    default:
      return 'Page';
  }
}

const byName = (label, message) => (message.sender_name ? `${label} · ${message.sender_name}` : label);

const STATUSES = {
  pending: { label: 'Sending…', tone: 'pending' },
  sent: { label: 'Sent', tone: 'ok' },
  delivered: { label: 'Delivered', tone: 'ok' },
  read: { label: 'Seen', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  blocked: { label: 'Not sent', tone: 'error' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
  throttled: { label: 'Not answered: over the rate limit', tone: 'warning' },
};

/** The delivery status line of a message; undefined for an ordinary received message. */
export function describeStatus(message) {
  if (message.direction === 'in' && message.status === 'received') return undefined;
  return STATUSES[message.status] ?? { label: String(message.status), tone: 'muted' };
}

/**
 * Where the conversation stands against Messenger's 24-hour rule: `open` (anyone may send), `agent` (only an agent's
 * reply, tagged HUMAN_AGENT, up to 7 days), `closed` (only a business update with its tag), or `never` (the person
 * never wrote). Business updates may go in every state (update-tags.js).
 */
export function describeWindow(lastInboundAt, now = Date.now()) {
  if (lastInboundAt === null || lastInboundAt === undefined) {
    return { state: 'never', text: 'The person has never written: replies cannot be sent.' };
  }
  const age = Math.max(0, now - lastInboundAt);
  if (age < DAY) return { state: 'open', text: `Reply window open for ${describeAge(DAY - age)} more.` };
  if (age < 7 * DAY) {
    return {
      state: 'agent',
      text: `Outside the 24-hour window (last message ${describeAge(age)} ago): agents may still reply for ${describeAge(7 * DAY - age)}.`,
    };
  }
  return {
    state: 'closed',
    text: `Last message ${describeAge(age)} ago: until the person writes again, only a business update can be sent (choose one under Send as).`,
  };
}

/** "5 minutes", "1 minute", "40 seconds": how long to wait before signing in again. */
export function describeWait(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** What the API's error means for the person at the keyboard (`{status, code, message, retryAfter}`). */
export function describeError(error) {
  if (error.status === 0) return `Could not reach the gateway (${error.message}). Check the connection and retry.`;
  if (error.status === 401) return 'Your session has ended: sign in again.';
  if (error.status === 429 && error.code === 'SB_TOO_MANY_SIGN_INS') {
    return `Too many failed sign-ins. Try again in ${describeWait(error.retryAfter)}.`;
  }
  if (error.code === 'SB_SIGN_INS_BUSY') return 'Too many sign-ins are being checked. Retry in a moment.';
  if (error.status === 503) return 'The gateway is restarting. Retry in a moment.';
  return error.message ? capitalise(error.message) : `The gateway answered ${error.status}.`;
}

const FAILURE_KINDS = {
  token: 'page token',
  permission: 'permission',
  window: '24-hour window',
  recipient: 'person unreachable',
  invalid: 'invalid message',
  retries_exhausted: 'retries exhausted',
  other: 'other',
};

/** `send_failures_24h` of a page as a list of `{kind, label, count}`, largest first. */
export function describeFailures(counts = {}) {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => ({ kind, label: FAILURE_KINDS[kind] ?? kind, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** Who or what raised each flag the gateway sets (`<code>: <detail>`); the escalation checks' details say it already. */
const FLAG_SOURCES = {
  connect_to_agent: 'Handed over by the assistant',
  assistant_failure: 'The assistant failed',
  asked_for_human: '',
  keyword: '',
  strong_language: '',
  shouting: '',
  repeated_message: '',
  repeated_fallback: '',
  thread_requested: '',
};

/**
 * A flag's reason in words: the gateway's `connect_to_agent: Asked for a person` reads "Handed over by the assistant:
 * Asked for a person", its opening time in local time; a reason an agent typed is shown as it is.
 */
export function describeFlag(reason, options = {}) {
  const found = /^([a-z_]+): ([\s\S]*)$/.exec(String(reason ?? ''));
  if (!found || !Object.hasOwn(FLAG_SOURCES, found[1])) return String(reason ?? '');
  const source = FLAG_SOURCES[found[1]];
  // The gateway's stand-in when the assistant gave no reason says nothing the source does not.
  const detail = found[2]
    .replace(/^the assistant handed over(?= \(|$)/, '')
    .replace(/\(waits for the opening at (\S+)\)$/, (all, iso) => {
      const at = Date.parse(iso);
      return Number.isNaN(at) ? all : `(waits for the opening, ${fullTime(at, options)})`;
    })
    .trim();
  if (!source) return capitalise(detail);
  if (!detail) return source;
  return detail.startsWith('(') ? `${source} ${detail}` : `${source}: ${detail}`;
}

/** A page's health: `ok`, or the kind of its last permanent Graph failure. */
export function describeHealth(health) {
  if (health === 'ok') return { label: 'Healthy', tone: 'ok' };
  if (health === 'token') return { label: 'Token refused', tone: 'error' };
  if (health === 'permission') return { label: 'Permission missing', tone: 'error' };
  if (health === 'blocked') return { label: 'Blocked by Meta', tone: 'error' };
  return { label: String(health), tone: 'warning' };
}

/**
 * The last try of a page's upkeep (`subscription_status`, `profile_sync_status`): `done` names success ("Subscribed").
 * Undefined before the first try.
 */
export function describeUpkeep(status, done) {
  if (!status) return undefined;
  if (status.status === 'ok') return { label: done, tone: 'ok' };
  if (status.kind === 'token') return { label: 'Token refused: connect the page again', tone: 'error' };
  if (status.kind === 'permission') return { label: 'Permission missing', tone: 'error' };
  if (status.retrying) return { label: 'Failed for now, trying again', tone: 'warning' };
  return { label: 'Failed', tone: 'error' };
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
