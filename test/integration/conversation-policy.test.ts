import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PageSettingsInput } from '../../src/config/page-settings.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, personPsid as person, startHarness } from '../support/gateway-harness.ts';

for (const database of DATABASES) {
  describe(`escalation, away message and business hours on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 10,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0, escalation_keywords: ['refund'] },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });
    afterEach(async () => {
      await setSettings({ auto_replies: true, business_hours: null, mark_seen: false } as unknown as PageSettingsInput);
    });

    const setSettings = async (settings: PageSettingsInput) => {
      const { status } = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, settings);
      expect(status).toBe(200);
    };
    const flagOf = async (psid: string) => {
      const row = await h.switchboard.db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select(['conversations.flagged', 'conversations.flag_reason', 'conversations.routing'])
        .where('contacts.external_id', '=', psid)
        .executeTakeFirstOrThrow();
      return row.flagged === 1 ? row.flag_reason : null;
    };
    const pageTexts = async (psid: string) =>
      (await h.fb.conversation(PAGE_ID, psid)).items.filter((i) => i.from === 'page').map((i) => i.message?.text);

    const causes: [string, string[], RegExp][] = [
      ['asks for a person in English', ['can I talk to a real person please'], /^asked_for_human/],
      ['asks for a person in French', ['je voudrais parler à un conseiller'], /^asked_for_human/],
      ['uses a keyword of the page', ['I want a REFUND for my mug'], /^keyword/],
      ['repeats the same message', ['where is it', 'where is it', 'where is it'], /^repeated_message/],
      ['uses strong language', ['this is bullshit'], /^strong_language/],
      ['shouts', ['WHY IS NOBODY ANSWERING MY QUESTION'], /^shouting/],
    ];
    for (const [i, [name, messages, reason]] of causes.entries()) {
      it(`flags the conversation with the reason when the person ${name}`, async () => {
        for (const text of messages) await h.fb.sendText(PAGE_ID, person(i), text);
        await h.settle();
        expect(await flagOf(person(i))).toMatch(reason);
      });
    }

    it('does not flag ordinary messages', async () => {
      for (const text of ['hi', 'I am a real estate agent', 'where is my order?'])
        await h.fb.sendText(PAGE_ID, person(6), text);
      await h.settle();
      expect(await flagOf(person(6))).toBeNull();
    });

    it('sends the away message once per session when auto-replies are off, and the bot stays quiet', async () => {
      await setSettings({ auto_replies: false });
      await h.fb.sendText(PAGE_ID, person(7), 'anyone there?');
      await h.fb.sendText(PAGE_ID, person(7), 'hello?');
      await h.settle();
      expect(await pageTexts(person(7))).toEqual([
        'Thanks for your message! A member of our team will get back to you soon.',
      ]);
      expect(bot.turns.filter((t) => t.input.text === 'hello?')).toEqual([]);
    });

    it('sends no away message during opening hours when people answer the page', async () => {
      await setSettings({ auto_replies: false, business_hours: { time_zone: 'UTC', days: allDays('00:00-24:00') } });
      await h.fb.sendText(PAGE_ID, person(8), 'are you open?');
      await h.settle();
      expect(await pageTexts(person(8))).toEqual([]);
    });

    it('tells the person when the team is back when a hand-over happens outside opening hours', async () => {
      const opening = new Date(Date.now() + 3 * 3_600_000);
      const hh = (d: Date) =>
        `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
      const range = `${hh(opening)}-${hh(new Date(opening.getTime() + 3_600_000))}`;
      await setSettings({ business_hours: { time_zone: 'UTC', days: allDays(range) } });
      await h.fb.sendText(PAGE_ID, person(9), 'agent please');
      await h.settle();
      expect(await pageTexts(person(9))).toEqual([
        'I am bringing in a colleague.',
        'Thanks for your message! A member of our team will get back to you soon.',
      ]);
      expect(await flagOf(person(9))).toMatch(/^connect_to_agent: asked for a person \(waits for the opening at .*\)$/);
    });

    it('marks the person’s messages seen before answering when the page wants it', async () => {
      await setSettings({ mark_seen: true });
      await h.fb.sendText(PAGE_ID, PSID, 'seen?');
      await h.settle();
      const kinds = await h.switchboard.db
        .selectFrom('outbox')
        .select(['kind', 'status'])
        .where('recipient_id', '=', PSID)
        .orderBy('id')
        .execute();
      expect(kinds).toEqual([
        { kind: 'mark_seen', status: 'sent' },
        { kind: 'message', status: 'sent' },
      ]);
    });
  });
}

function allDays(range: string) {
  return Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [range]]));
}
