import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GenericResponse } from '../responses.ts';
import type { FlowAssistant } from './flow-assistant.ts';
import { createFlowTestDriver } from './flow-test-driver.ts';
import type { FlowStep } from './flow-types.ts';
import { loadFlowAssistant } from './load-flow-assistant.ts';

const path = (lang: string) => fileURLToPath(new URL(`../../../assistants/shop-support.${lang}.yaml`, import.meta.url));
const load = (lang: string) => loadFlowAssistant(path(lang));
// Phrasings kept apart from the examples (test/fixtures/matcher/README.md); the blind set is not read here.
const FIXTURES = '../../../test/fixtures/matcher/';

function stepKinds(steps: readonly FlowStep[]): string[] {
  return steps.flatMap((s) => {
    if (s.kind === 'if') return ['if', ...stepKinds(s.then_steps), ...stepKinds(s.else_steps)];
    return [s.kind === 'media' ? s.type : s.kind];
  });
}

function labels(steps: readonly FlowStep[]): string[] {
  return steps.flatMap((s) => {
    if (s.kind === 'if') return [...labels(s.then_steps), ...labels(s.else_steps)];
    if (s.kind === 'options' || s.kind === 'ask') return (s.choices ?? []).map((c) => c.label);
    const cards = s.kind === 'card' ? [s.card] : s.kind === 'carousel' ? s.cards : [];
    return cards.flatMap((c) => (c.buttons ?? []).map((b) => b.label));
  });
}

function choiceValues(assistant: FlowAssistant): string[] {
  const all = [...assistant.definition.actions.flatMap((a) => a.steps), ...(assistant.definition.fallback ?? [])];
  const walk = (steps: readonly FlowStep[]): string[] =>
    steps.flatMap((s) => {
      if (s.kind === 'if') return [...walk(s.then_steps), ...walk(s.else_steps)];
      if (s.kind === 'options' || s.kind === 'ask') return (s.choices ?? []).map((c) => c.value);
      return [];
    });
  return walk(all);
}

const ofType = <T extends GenericResponse['type']>(responses: GenericResponse[], type: T) =>
  responses.filter((r): r is Extract<GenericResponse, { type: T }> => r.type === type);

describe('sample assistants', () => {
  it('share action ids, triggers, variables and choice values between English and French', async () => {
    const [en, fr] = await Promise.all([load('en'), load('fr')]);
    const shape = (a: FlowAssistant) => a.definition.actions.map((x) => [x.id, x.trigger ?? null]);
    expect(shape(fr)).toEqual(shape(en));
    expect(choiceValues(fr)).toEqual(choiceValues(en));
    expect(en.definition.language).toBe('en');
    expect(fr.definition.language).toBe('fr');
  });

  for (const lang of ['en', 'fr']) {
    describe(`shop-support.${lang}`, () => {
      const driver = async () => createFlowTestDriver(await load(lang), { first_name: 'Zoé' });

      it('uses every step type', async () => {
        const assistant = await load(lang);
        const kinds = new Set(
          [...assistant.definition.actions, { steps: assistant.definition.fallback ?? [] }].flatMap((a) =>
            stepKinds(a.steps),
          ),
        );
        expect([...kinds].sort()).toEqual(
          [
            'say',
            'ask',
            'options',
            'image',
            'video',
            'audio',
            'file',
            'card',
            'carousel',
            'pause',
            'connect_to_agent',
            'set',
            'if',
            'goto',
            'end',
          ].sort(),
        );
      });

      it("keeps choice and button labels within Messenger's 20-character limit", async () => {
        const assistant = await load(lang);
        const all = [...assistant.definition.actions.flatMap((a) => a.steps), ...(assistant.definition.fallback ?? [])];
        const tooLong = labels(all).filter((label) => label.length > 20);
        expect(labels(all).length).toBeGreaterThan(10);
        expect(tooLong).toEqual([]);
      });

      it('greets by first name on Get Started and offers order status and a person', async () => {
        const chat = await driver();
        const reply = await chat.send({ kind: 'welcome' });
        expect(chat.texts(reply)[0]).toContain('Zoé');
        const values = ofType(reply.responses, 'option')[0]!.options.map((o) => o.value);
        expect(values).toEqual(expect.arrayContaining(['order_status', 'human']));
      });

      it('asks for a 6-digit order number, retries, then answers with it', async () => {
        const chat = await driver();
        const question = await chat.send({ kind: 'choice', value: 'order_status' });
        expect(chat.context).toMatchObject({ waiting: { action: 'order_status' } });
        const retry = await chat.send('12345');
        expect(chat.texts(retry)[0]).not.toEqual(chat.texts(question)[0]);
        const answer = await chat.send('#204518');
        expect(chat.texts(answer).join(' ')).toContain('204518');
        expect(ofType(answer.responses, 'pause')).toHaveLength(1);
        expect(ofType(answer.responses, 'image')).toHaveLength(1);
      });

      it('hands over to a person after too many wrong order numbers', async () => {
        const chat = await driver();
        await chat.send({ kind: 'choice', value: 'order_status' });
        await chat.send('1');
        await chat.send('2');
        const reply = await chat.send('3');
        expect(ofType(reply.responses, 'connect_to_agent')).toHaveLength(1);
      });

      it('reuses a known order number when cancelling', async () => {
        const chat = await driver();
        await chat.send({ kind: 'choice', value: 'order_status' });
        await chat.send('204518');
        const reply = await chat.send({ kind: 'choice', value: 'cancel_order' });
        const [handover] = ofType(reply.responses, 'connect_to_agent');
        expect(handover?.reason).toContain('204518');
        expect(chat.context).toMatchObject({ vars: { order_number: '204518', topic: 'cancellation' } });
      });

      it('shows products in a carousel and gift cards on a card', async () => {
        const chat = await driver();
        const products = await chat.send({ kind: 'choice', value: 'products' });
        expect(ofType(products.responses, 'carousel')[0]!.cards.length).toBeGreaterThanOrEqual(2);
        const gift = await chat.send({ kind: 'choice', value: 'gift_cards' });
        expect(ofType(gift.responses, 'card')).toHaveLength(1);
      });

      it('branches returns on the reason: damaged goes to a person, a change of mind gets the form', async () => {
        const chat = await driver();
        await chat.send({ kind: 'choice', value: 'returns' });
        const damaged = await chat.send({ kind: 'choice', value: 'damaged' });
        expect(ofType(damaged.responses, 'connect_to_agent')[0]!.reason).toContain('damaged');
        await chat.send({ kind: 'choice', value: 'returns' });
        const changed = await chat.send({ kind: 'choice', value: 'changed_mind' });
        expect(ofType(changed.responses, 'file')).toHaveLength(1);
      });

      it('connects to a person with a message and a reason', async () => {
        const chat = await driver();
        const reply = await chat.send({ kind: 'choice', value: 'human' });
        const [handover] = ofType(reply.responses, 'connect_to_agent');
        expect(handover?.message).toBeTruthy();
        expect(handover?.reason).toBeTruthy();
      });

      it('thanks for an attachment and offers a person', async () => {
        const chat = await driver();
        const reply = await chat.send({
          kind: 'attachment',
          attachments: [{ type: 'image', url: 'https://x.example/p.jpg' }],
        });
        expect(ofType(reply.responses, 'option')[0]!.options.map((o) => o.value)).toContain('human');
      });

      it('falls back to an apology and the menu', async () => {
        const chat = await driver();
        const reply = await chat.send('xkcd qwerty zzz');
        expect(ofType(reply.responses, 'text')).toHaveLength(1);
        expect(ofType(reply.responses, 'option')[0]!.options.map((o) => o.value)).toContain('order_status');
      });

      it('ends the conversation politely on goodbye', async () => {
        const chat = await driver();
        const reply = await chat.send({ kind: 'choice', value: 'goodbye' });
        expect(reply.responses).toHaveLength(1);
      });
    });
  }

  it('understands typed requests in each language', async () => {
    const [en, fr] = await Promise.all([load('en'), load('fr')]);
    expect(en.understand('wheres my parcel pls').action).toBe('order_status');
    expect(en.understand('I want to talk to a real human').action).toBe('human');
    expect(fr.understand('elle est où ma commande').action).toBe('order_status');
    expect(fr.understand('je veux parler a un humain').action).toBe('human');
    expect(fr.understand('REMBOURSEMENT').action).toBe('returns');
  });

  it('starts the action a typed request names, not an offered label it only shares a word with', async () => {
    const fr = createFlowTestDriver(await load('fr'));
    await fr.send({ kind: 'welcome' }); // offers "📦 Ma commande"
    await fr.send('je veux annuler ma commande');
    expect(fr.context).toMatchObject({ waiting: { action: 'cancel_order' } });
    await fr.send({ kind: 'welcome' });
    await fr.send('ma commande');
    expect(fr.context).toMatchObject({ waiting: { action: 'order_status' } });
  });

  it('looks up a bare order number typed out of the blue, as after the question, in each language', async () => {
    for (const [lang, looked] of [
      ['en', 'Thanks! Let me look up order 204518…'],
      ['fr', 'Merci ! Je regarde la commande 204518…'],
    ] as const) {
      const driver = createFlowTestDriver(await load(lang));
      expect(driver.texts(await driver.send(' 204518 '))[0]).toBe(looked);
      expect(driver.context).toMatchObject({ vars: { order_number: '204518' } });
      // A number that is no order number is still not understood.
      expect(driver.texts(await driver.send('2045'))[0]).not.toMatch(/2045/);
    }
  });

  it('understands at least 90 % of the development phrasings in each language', async () => {
    for (const lang of ['en', 'fr']) {
      const assistant = await load(lang);
      const rows = ['', 'dev/', 'dev/check/'].flatMap(
        (folder) =>
          JSON.parse(
            readFileSync(new URL(`${FIXTURES}${folder}shop-support.${lang}.json`, import.meta.url), 'utf8'),
          ) as {
            text: string;
            expected_action: string;
          }[],
      );
      const understood = rows.filter((r) => (assistant.understand(r.text).action ?? 'fallback') === r.expected_action);
      expect(understood.length / rows.length).toBeGreaterThanOrEqual(0.9);
    }
  });
});
