import { describe, expect, it } from 'vitest';
import {
  authorLabel,
  describeError,
  describeFailures,
  describeFlag,
  describeHealth,
  describeRouting,
  describeStatus,
  describeUpkeep,
  describeWait,
  describeWindow,
  initials,
  personName,
  ROUTING,
  shortTime,
} from './web/format.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 12, 15, 30); // a Thursday
const utc = { now: NOW, locale: 'en-GB', timeZone: 'UTC' };

describe('inbox labels', () => {
  it('names a person by their profile, or by the end of their id when the profile is unknown', () => {
    expect(personName({ first_name: 'Lena', last_name: 'Okafor' })).toBe('Lena Okafor');
    expect(personName({ first_name: null, last_name: null, contact_external_id: '6021938475610234' })).toBe(
      'Person …0234',
    );
    expect(initials('Lena Okafor')).toBe('LO');
    expect(initials('Élodie')).toBe('É');
    expect(initials('  ')).toBe('?');
  });

  it('writes list times as now, minutes, the time today, the weekday this week, else the date', () => {
    expect(shortTime(NOW - 20_000, utc)).toBe('now');
    expect(shortTime(NOW - 5 * 60_000, utc)).toBe('5 min');
    expect(shortTime(NOW - 3 * HOUR, utc)).toBe('12:30');
    expect(shortTime(NOW - 2 * 24 * HOUR, utc)).toBe('Tue');
    expect(shortTime(NOW - 40 * 24 * HOUR, utc)).toBe('31 Jan');
    expect(shortTime(NOW - 400 * 24 * HOUR, utc)).toBe('5 Feb 2025');
  });

  it('says who wrote a message', () => {
    expect(authorLabel({ direction: 'in', author: 'contact' }, 'Lena')).toBe('Lena');
    expect(authorLabel({ direction: 'out', author: 'bot' }, 'Lena')).toBe('Assistant');
    expect(authorLabel({ direction: 'out', author: 'agent' }, 'Lena')).toBe('Agent');
    expect(authorLabel({ direction: 'out', author: 'agent', sender_name: 'Ana' }, 'Lena')).toBe('Agent · Ana');
    expect(authorLabel({ direction: 'out', author: 'system' }, 'Lena')).toBe('Update');
    expect(authorLabel({ direction: 'out', author: 'system', sender_name: 'Ana' }, 'Lena')).toBe('Update · Ana');
    expect(authorLabel({ direction: 'out', author: 'external' }, 'Lena')).toBe('Page Inbox');
  });

  it('shows no status for a received message, and failed and blocked sends as errors', () => {
    expect(describeStatus({ direction: 'in', author: 'contact', status: 'received' })).toBeUndefined();
    expect(describeStatus({ direction: 'in', author: 'contact', status: 'throttled' })?.tone).toBe('warning');
    expect(describeStatus({ direction: 'out', author: 'agent', status: 'read' })).toEqual({
      label: 'Seen',
      tone: 'ok',
    });
    expect(describeStatus({ direction: 'out', author: 'agent', status: 'failed' })?.tone).toBe('error');
    expect(describeStatus({ direction: 'out', author: 'agent', status: 'blocked' })).toEqual({
      label: 'Not sent',
      tone: 'error',
    });
  });

  it('tells where a conversation stands against the 24-hour window', () => {
    expect(describeWindow(NOW - HOUR, NOW)).toMatchObject({ state: 'open', text: expect.stringContaining('23 hours') });
    expect(describeWindow(NOW - 30 * HOUR, NOW)).toMatchObject({ state: 'agent' });
    expect(describeWindow(NOW - 8 * 24 * HOUR, NOW)).toEqual({
      state: 'closed',
      text: 'Last message 8 days ago: until the person writes again, only a business update can be sent (choose one under Send as).',
    });
    expect(describeWindow(null, NOW).state).toBe('never');
  });

  it('explains API errors: sign-in limits with their wait, the API’s own message otherwise', () => {
    expect(describeError({ status: 429, code: 'SB_TOO_MANY_SIGN_INS', retryAfter: 840 })).toBe(
      'Too many failed sign-ins. Try again in 14 minutes.',
    );
    expect(describeWait(1)).toBe('1 second');
    expect(describeError({ status: 400, code: 'SB_BAD_REQUEST', message: 'text: too long' })).toBe('Text: too long');
    expect(describeError({ status: 503, code: 'SB_SIGN_INS_BUSY', message: 'm' })).toMatch(/^Too many sign-ins are/);
    expect(describeError({ status: 0, code: 'NETWORK', message: 'Failed to fetch' })).toContain('Could not reach');
  });

  it("names a page's health: healthy, a refused token or permission, Meta's block, else the value as a warning", () => {
    expect(describeHealth('ok')).toEqual({ label: 'Healthy', tone: 'ok' });
    expect(describeHealth('token')).toEqual({ label: 'Token refused', tone: 'error' });
    expect(describeHealth('blocked')).toEqual({ label: 'Blocked by Meta', tone: 'error' });
    expect(describeHealth('later')).toEqual({ label: 'later', tone: 'warning' });
  });

  it('lists a page’s failed sends, largest count first', () => {
    expect(describeFailures({ window: 1, token: 3, other: 0 })).toEqual([
      { kind: 'token', label: 'page token', count: 3 },
      { kind: 'window', label: '24-hour window', count: 1 },
    ]);
  });
  it("says a gateway flag's source and detail in words, and shows an agent's own reason as it is", () => {
    expect(describeFlag('connect_to_agent: Asked for a person')).toBe(
      'Handed over by the assistant: Asked for a person',
    );
    expect(describeFlag('connect_to_agent: the assistant handed over')).toBe('Handed over by the assistant');
    expect(
      describeFlag(
        'connect_to_agent: the assistant handed over (waits for the opening at 2026-03-13T08:00:00.000Z)',
        utc,
      ),
    ).toBe('Handed over by the assistant (waits for the opening, 13 Mar 2026, 08:00)');
    expect(describeFlag('assistant_failure: HTTP 502')).toBe('The assistant failed: HTTP 502');
    expect(describeFlag('asked_for_human: asked for a person: “a human please”')).toBe(
      'Asked for a person: “a human please”',
    );
    expect(describeFlag('repeated_message: sent the same message 3 times in 10 minutes')).toBe(
      'Sent the same message 3 times in 10 minutes',
    );
    expect(
      describeFlag('thread_requested: the Page Inbox asked for the conversation (not passed: an agent has it here)'),
    ).toBe('The Page Inbox asked for the conversation (not passed: an agent has it here)');
    expect(describeFlag('Parcel lost twice')).toBe('Parcel lost twice');
    expect(describeFlag('vip: call back before noon')).toBe('vip: call back before noon');
    expect(describeFlag(null)).toBe('');
  });
  it("says how a page's upkeep went: done, a token or permission to fix, or a failure tried again", () => {
    const at = NOW;
    expect(describeUpkeep(null, 'Subscribed')).toBeUndefined();
    expect(describeUpkeep({ status: 'ok', kind: null, detail: null, retrying: false, at }, 'Subscribed')).toEqual({
      label: 'Subscribed',
      tone: 'ok',
    });
    const failed = { status: 'failed', detail: '(#190) expired', retrying: false, at } as const;
    expect(describeUpkeep({ ...failed, kind: 'token' }, 'Subscribed')?.label).toBe(
      'Token refused: connect the page again',
    );
    expect(describeUpkeep({ ...failed, kind: 'permission' }, 'Subscribed')?.tone).toBe('error');
    expect(describeUpkeep({ ...failed, kind: 'transient', retrying: true }, 'Subscribed')).toEqual({
      label: 'Failed for now, trying again',
      tone: 'warning',
    });
    expect(describeUpkeep({ ...failed, kind: 'invalid' }, 'Subscribed')).toEqual({ label: 'Failed', tone: 'error' });
  });

  it('says how long a pause lasts: until the thread comes back while another app holds it, else until its end', () => {
    const elsewhere = { routing: 'paused', paused_until: null, thread_elsewhere_since: NOW - HOUR };
    expect(describeRouting(elsewhere, utc)).toEqual({
      label: 'Paused',
      description: 'The Page Inbox or another app has the person’s thread; the assistant waits until it comes back',
      until: 'until the thread comes back',
    });
    const replied = { routing: 'paused', paused_until: NOW + HOUR, thread_elsewhere_since: null };
    expect(describeRouting(replied, utc)).toEqual({
      label: 'Paused',
      description: 'A reply typed in the Page Inbox paused the assistant until 12 Mar 2026, 16:30',
      until: 'until 16:30',
    });
    // An agent who took over keeps the conversation, whoever holds the thread: their first reply takes it back.
    expect(describeRouting({ routing: 'human', paused_until: null, thread_elsewhere_since: NOW }, utc).until).toBe(
      undefined,
    );
    expect(describeRouting({ routing: 'bot' }, utc)).toEqual({ ...ROUTING.bot, until: undefined });
  });

  it('says a paused conversation is with the Page Inbox or another app, however it got there', () => {
    // Paused by a reply typed there, by a thread taken, or by one passed on request: "someone replied" is not always so.
    expect(ROUTING.paused.description).toBe('The Page Inbox or another app has the conversation; the assistant waits');
  });
});
