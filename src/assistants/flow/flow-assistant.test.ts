import { describe, expect, it } from 'vitest';
import { createFlowAssistant } from './flow-assistant.ts';
import { chat, SHOP, shop, single } from './flow-test-fixtures.ts';
import { parseFlow } from './parse-flow.ts';

describe('flow assistant', () => {
  it('exposes its kind, name and session timeout', () => {
    const assistant = shop();
    expect(assistant.kind).toBe('flow');
    expect(assistant.name).toBe('shop');
    expect(assistant.sessionTimeoutMinutes).toBe(30);
  });

  it("leaves the session timeout to the page's setting when the file does not set one", () => {
    expect(createFlowAssistant(parseFlow(single('      - say: hi'), 'x.yaml'))).not.toHaveProperty(
      'sessionTimeoutMinutes',
    );
  });

  describe('welcome trigger', () => {
    it('runs the welcome action on Get Started, greeting by first name and offering choices', async () => {
      const driver = chat();
      const reply = await driver.send({ kind: 'welcome' });
      expect(reply.responses).toEqual([
        { type: 'text', text: 'Hi Ana!' },
        {
          type: 'option',
          title: 'What can I do for you?',
          options: [
            { label: 'Order status', value: 'order_status' },
            { label: 'Talk to a person', value: 'human' },
          ],
        },
      ]);
    });

    it('starts the action a Get Started payload or referral names', async () => {
      const driver = chat();
      expect(driver.texts(await driver.send({ kind: 'welcome', referral: 'order_status' }))).toEqual([
        'What is your order number?',
      ]);
      expect(driver.texts(await driver.send({ kind: 'welcome', value: 'human' }))).toEqual([
        'Bringing in a colleague.',
      ]);
    });

    it('forgets the previous session state on welcome', async () => {
      const driver = chat();
      await driver.send('where is my order');
      await driver.send({ kind: 'welcome' });
      expect(driver.context).not.toHaveProperty('waiting');
      expect(driver.texts(await driver.send('123456'))).toEqual(['Sorry, I did not get that.']);
    });

    it('greets with a built-in phrase in the file language when there is no welcome action', async () => {
      const driver = chat(single('      - say: x').replace('language: en', 'language: fr'), {});
      expect(driver.texts(await driver.send({ kind: 'welcome' }))).toEqual([
        'Bonjour et bienvenue ! Comment puis-je vous aider ?',
      ]);
    });
  });

  describe('matching', () => {
    it('starts the action whose examples match, despite typos and case', async () => {
      const driver = chat();
      expect(driver.texts(await driver.send('WHERE IS MY ORDR?'))).toEqual(['What is your order number?']);
    });

    it('runs the fallback when nothing matches well enough', async () => {
      const driver = chat();
      expect(driver.texts(await driver.send('what is the capital of Peru'))).toEqual(['Sorry, I did not get that.']);
    });

    it('runs the fallback for a request the person turns down, and the other request of the text', async () => {
      const driver = chat();
      expect(driver.texts(await driver.send("I don't want to talk to a human"))).toEqual([
        'Sorry, I did not get that.',
      ]);
      expect(driver.texts(await driver.send("I don't want to talk to a human, where is my order?"))).toEqual([
        'What is your order number?',
      ]);
    });

    it('marks replies where the fallback ran, and only those', async () => {
      const driver = chat();
      expect(await driver.send('what is the capital of Peru')).toMatchObject({ fallback: true });
      expect(await driver.send('where is my order')).not.toHaveProperty('fallback');
      await driver.send('1');
      await driver.send('2');
      expect(await driver.send('3')).toMatchObject({ fallback: true });
    });

    it('runs the fallback for a text like its examples, even one sharing words with an action', async () => {
      const yaml = SHOP.replace(
        'fallback:\n',
        'fallback:\n  examples: [where is the nearest train station, track and field results, who won the race]\n',
      );
      expect(await chat().send('where is the train station')).not.toHaveProperty('fallback');
      const driver = chat(yaml);
      expect(await driver.send('where is the train station')).toMatchObject({ fallback: true });
      expect(driver.texts(await driver.send('where is my order'))).toEqual(['What is your order number?']);
    });

    it('uses a built-in fallback phrase when the file has none', async () => {
      const driver = chat(single('      - say: x'));
      expect(driver.texts(await driver.send('qwertyuiop'))).toEqual([
        "Sorry, I didn't quite get that. Could you say it another way?",
      ]);
    });

    it('explains its choice through understand()', () => {
      const understanding = shop().understand('speak to a human please');
      expect(understanding.action).toBe('human');
      expect(understanding.score).toBeGreaterThan(0.5);
      expect(understanding.ranking[0]!.intent).toBe('human');
      expect(shop().understand('zzz').action).toBeNull();
    });
  });

  describe('choices', () => {
    it('starts the action a tapped choice or postback names', async () => {
      const driver = chat();
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'human', text: 'Talk to a person' }))).toEqual([
        'Bringing in a colleague.',
      ]);
    });

    it('starts the action of an offered choice when its label is typed', async () => {
      const driver = chat();
      await driver.send({ kind: 'welcome' });
      expect(driver.texts(await driver.send('talk to a persn'))).toEqual(['Bringing in a colleague.']);
    });

    it('starts the action the matcher finds over an offered label the text only resembles', async () => {
      const yaml = SHOP.replace(
        '  - id: human\n',
        '  - id: cancel\n    examples: [cancel my order, cancel the order status]\n    steps: [{say: Cancelling.}]\n  - id: human\n',
      );
      const driver = chat(yaml);
      await driver.send({ kind: 'welcome' });
      expect(driver.texts(await driver.send('please cancel the order status'))).toEqual(['Cancelling.']);
      await driver.send({ kind: 'welcome' });
      expect(driver.texts(await driver.send('Order status'))).toEqual(['What is your order number?']);
      await driver.send({ kind: 'welcome' });
      expect(driver.texts(await driver.send('2'))).toEqual(['Bringing in a colleague.']);
    });

    it("starts none of the engine's own programs from a payload, a tap or a link", async () => {
      for (const value of ['_agent', '_fallback', '_sorry', '_welcome', '_attachment']) {
        const driver = chat();
        const tapped = await driver.send({ kind: 'choice', value, text: 'track my package' });
        expect(driver.texts(tapped)).toEqual(['What is your order number?']);
        const linked = await chat().send({ kind: 'welcome', referral: value });
        expect(linked.responses[0]).toEqual({ type: 'text', text: 'Hi Ana!' });
      }
    });

    it('takes a typed label as shown, when the labels are templates', async () => {
      const driver = chat(
        single(`      - set: {a: Lavender, b: Cedarwood}
      - options: {text: Which scent?, variable: scent, choices: [{label: "{{a}}", value: lav}, {label: "{{b}}", value: ced}]}
      - say: "Scent {{scent}}."
      - options: {text: Anything else?, choices: [{label: "{{a}} again", value: next}]}`),
      );
      await driver.send('start the test');
      expect(driver.texts(await driver.send('Cedarwood'))).toEqual(['Scent ced.', 'Anything else?']);
      expect(driver.texts(await driver.send('lavender again'))).toEqual(['In next.']);
    });

    it('treats an unknown choice value as text', async () => {
      const driver = chat();
      expect(
        driver.texts(await driver.send({ kind: 'choice', value: 'LEGACY_PAYLOAD', text: 'track my package' })),
      ).toEqual(['What is your order number?']);
    });
  });

  describe('attachments', () => {
    it('runs the attachment action with the attachment in the templates', async () => {
      const driver = chat(`actions:
  - id: photo
    trigger: attachment
    steps: [{say: "Nice {{attachment.type}}! {{input}}"}]
`);
      const reply = await driver.send({
        kind: 'attachment',
        attachments: [{ type: 'image', url: 'https://cdn.example/p.jpg' }],
        text: 'Look',
      });
      expect(driver.texts(reply)).toEqual(['Nice image! Look']);
    });

    it('acknowledges by default and offers the file own hand-over action', async () => {
      const driver = chat();
      const reply = await driver.send({ kind: 'attachment', attachments: [{ type: 'sticker' }] });
      expect(reply.responses).toEqual([
        { type: 'text', text: "Thanks, I've received it! I can't open attachments myself, though." },
        {
          type: 'option',
          title: 'Would you like a colleague to take a look?',
          options: [{ label: 'Talk to a person', value: 'human' }],
        },
      ]);
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'human' }))).toEqual(['Bringing in a colleague.']);
    });

    it('does not offer an action that hands over only on one of its branches', async () => {
      const driver = chat(`language: en
actions:
  - id: cancel_order
    steps:
      - ask: {text: "Which order?", variable: order}
      - if: {variable: order, equals: "unknown"}
        then: [{connect_to_agent: {}}]
`);
      const reply = await driver.send({ kind: 'attachment', attachments: [{ type: 'image' }] });
      expect(reply.responses[1]).toMatchObject({ options: [{ label: 'Talk to a person', value: '_agent' }] });
    });

    it('hands over with a built-in message when the file has no hand-over action, in its language', async () => {
      const driver = chat(single('      - say: x').replace('language: en', 'language: fr'));
      const reply = await driver.send({ kind: 'attachment', attachments: [{ type: 'file' }] });
      expect(reply.responses[1]).toEqual({
        type: 'option',
        title: "Voulez-vous qu'un collègue y jette un œil ?",
        options: [{ label: 'Parler à quelqu’un', value: '_agent' }],
      });
      const handover = await driver.send({ kind: 'choice', value: '_agent' });
      expect(handover.responses).toEqual([
        { type: 'connect_to_agent', message: 'Je fais appel à un collègue. Il vous répondra ici dès que possible.' },
      ]);
    });
  });

  describe('session', () => {
    it('keeps all state in a JSON context', async () => {
      const driver = chat();
      await driver.send('size guide');
      expect(JSON.parse(JSON.stringify(driver.context))).toEqual(driver.context);
      expect(driver.context).toEqual({ vars: {}, waiting: { action: 'size', pc: 0, variable: 'size', retries: 0 } });
    });

    it('starts afresh on a new session, whatever the context says', async () => {
      const driver = chat();
      await driver.send('where is my order');
      driver.expireSession();
      expect(driver.texts(await driver.send('123456'))).toEqual(['Sorry, I did not get that.']);
    });

    it('ignores a waiting state that no longer fits the file', async () => {
      const reply = await shop().reply({
        conversation: { id: 'c', page_id: 'p' },
        contact: { id: 'u', profile: {} },
        page: { id: 'p' },
        input: { kind: 'text', text: 'talk to a human' },
        context: { vars: { x: 1 }, waiting: { action: 'removed_action', pc: 3, retries: 0 }, offered: 'junk' },
        new_session: false,
        history: [],
      });
      expect(reply.responses).toEqual([
        { type: 'connect_to_agent', message: 'Bringing in a colleague.', reason: 'Asked for a person' },
      ]);
      expect(reply.context).toEqual({ vars: { x: 1 } });
    });

    it('reads an answer as a new message when the file now asks something else at the waiting place', async () => {
      const v1 = `actions:
  - id: signup
    examples: [sign up]
    steps:
      - ask: {text: Your email?, variable: email, pattern: '\\S+@\\S+'}
      - say: "Noted {{email}}."
  - id: thanks
    examples: [jane@example.com]
    steps:
      - say: Read as a new message.
`;
      const before = chat(v1);
      await before.send('sign up');
      // The file gains a question before the one the person is answering: its place now holds "phone".
      const v2 = v1.replace(
        '      - ask: {text: Your email?',
        '      - ask: {text: Your phone?, variable: phone}\n      - ask: {text: Your email?',
      );
      const reply = await createFlowAssistant(parseFlow(v2, 'v2.yaml')).reply({
        conversation: { id: 'c', page_id: 'p' },
        contact: { id: 'u', profile: {} },
        page: { id: 'p' },
        input: { kind: 'text', text: 'jane@example.com' },
        context: before.context,
        new_session: false,
        history: [],
      });
      expect(reply.context).toEqual({ vars: {} });
      expect(reply.responses).toEqual([{ type: 'text', text: 'Read as a new message.' }]);
    });

    it('answers the same turn the same way every time', async () => {
      const turn = {
        conversation: { id: 'c', page_id: 'p' },
        contact: { id: 'u', profile: { first_name: 'Ana' } },
        page: { id: 'p' },
        input: { kind: 'text' as const, text: 'hello' },
        context: {},
        new_session: true,
        history: [],
      };
      const assistant = shop();
      expect(await assistant.reply(turn)).toEqual(await assistant.reply(turn));
    });
  });
});
