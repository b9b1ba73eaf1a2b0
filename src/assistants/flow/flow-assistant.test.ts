import { describe, expect, it } from 'vitest';
import type { ContactProfile } from '../assistant.ts';
import { createFlowAssistant } from './flow-assistant.ts';
import { createFlowTestDriver } from './flow-test-driver.ts';
import { parseFlow } from './parse-flow.ts';

const SHOP = `name: shop
session_timeout_minutes: 30
actions:
  - id: greet
    trigger: welcome
    examples: [hello, hi there]
    steps:
      - say: "Hi {{profile.first_name | there}}!"
      - options:
          text: What can I do for you?
          choices: [{label: Order status, value: order_status}, {label: Talk to a person, value: human}]
  - id: order_status
    examples: [where is my order, track my package, order status]
    steps:
      - ask:
          text: What is your order number?
          variable: order_number
          pattern: '\\b(\\d{6})\\b'
          retry: Order numbers have 6 digits.
          max_retries: 2
      - say: "Order {{order_number}} ships tomorrow."
  - id: size
    examples: [which size should I take, size guide]
    steps:
      - options:
          text: Which size?
          variable: size
          choices: [{label: Small, value: s}, {label: Large, value: l}]
      - if: {variable: size, equals: l}
        then: [{say: Large it is.}]
        else: [{say: Small it is.}]
      - say: "Noted: {{size}}."
  - id: feedback
    examples: [I have feedback, leave a comment]
    steps:
      - ask: {text: Tell me more., variable: comment}
      - say: "Thanks, I noted: {{comment}}"
  - id: human
    examples: [talk to a human, speak to an agent, real person]
    steps:
      - connect_to_agent: {message: "Bringing in a colleague.", reason: "Asked for a person"}
fallback:
  steps:
    - say: Sorry, I did not get that.
`;

const shop = () => createFlowAssistant(parseFlow(SHOP, 'shop.yaml'));
const chat = (yaml = SHOP, profile: ContactProfile = { first_name: 'Ana' }) =>
  createFlowTestDriver(createFlowAssistant(parseFlow(yaml, 'test.yaml')), profile);

/** A file with one action whose steps are given, plus a `next` action to jump to. */
const single = (steps: string, extra = '') => `language: en
actions:
  - id: main
    examples: [start the test]
    steps:
${steps}
  - id: next
    examples: [next please]
    steps:
      - say: In next.
${extra}`;

describe('flow assistant', () => {
  it('exposes its kind, name and session timeout', () => {
    const assistant = shop();
    expect(assistant.kind).toBe('flow');
    expect(assistant.name).toBe('shop');
    expect(assistant.sessionTimeoutMinutes).toBe(30);
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

    it('treats an unknown choice value as text', async () => {
      const driver = chat();
      expect(
        driver.texts(await driver.send({ kind: 'choice', value: 'LEGACY_PAYLOAD', text: 'track my package' })),
      ).toEqual(['What is your order number?']);
    });
  });

  describe('ask', () => {
    it('stores the part of the answer the pattern captures and goes on', async () => {
      const driver = chat();
      await driver.send('track my package');
      expect(driver.texts(await driver.send('it is #204518, thanks'))).toEqual(['Order 204518 ships tomorrow.']);
      expect(driver.context).toEqual({ vars: { order_number: '204518' } });
    });

    it('sends the retry text while the answer does not fit, then gives up to the fallback', async () => {
      const driver = chat();
      await driver.send('track my package');
      expect(driver.texts(await driver.send('12345'))).toEqual(['Order numbers have 6 digits.']);
      expect(driver.texts(await driver.send('I lost it'))).toEqual(['Order numbers have 6 digits.']);
      expect(driver.texts(await driver.send('no idea'))).toEqual(['Sorry, I did not get that.']);
      expect(driver.context).not.toHaveProperty('waiting');
    });

    it('goes to on_fail after too many wrong answers', async () => {
      const driver = chat(
        single('      - ask: {text: "Code?", variable: code, pattern: "^[A-Z]{3}$", max_retries: 0, on_fail: next}'),
      );
      await driver.send('start the test');
      expect(driver.texts(await driver.send('12'))).toEqual(['In next.']);
    });

    it('repeats the question when there is no retry text', async () => {
      const driver = chat(single('      - ask: {text: "Code?", variable: code, pattern: "^[A-Z]{3}$"}'));
      await driver.send('start the test');
      expect(driver.texts(await driver.send('12'))).toEqual(['Code?']);
    });

    it('accepts any text when there is no pattern', async () => {
      const driver = chat();
      await driver.send('I have feedback');
      expect(driver.texts(await driver.send('talk to a human would be nice'))).toEqual([
        'Thanks, I noted: talk to a human would be nice',
      ]);
    });

    it('shows suggested answers and stores a tapped one', async () => {
      const driver = chat(
        single(`      - ask: {text: "Email?", variable: email, pattern: "@", choices: [{label: "Use my usual one", value: usual}]}
      - say: "Email: {{email}}"`),
      );
      const question = await driver.send('start the test');
      expect(question.responses).toEqual([
        { type: 'option', title: 'Email?', options: [{ label: 'Use my usual one', value: 'usual' }] },
      ]);
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'usual', text: 'Use my usual one' }))).toEqual([
        'Email: usual',
      ]);
    });
  });

  describe('digressions', () => {
    it('leaves a question for another action when the answer clearly asks for it', async () => {
      const driver = chat();
      await driver.send('where is my order');
      expect(driver.texts(await driver.send('can I talk to a human'))).toEqual(['Bringing in a colleague.']);
      expect(driver.context).not.toHaveProperty('waiting');
    });

    it('retries instead when the answer matches the same action or nothing clearly', async () => {
      const driver = chat();
      await driver.send('where is my order');
      expect(driver.texts(await driver.send('where is my order???'))).toEqual(['Order numbers have 6 digits.']);
      expect(driver.texts(await driver.send('hmm, let me see'))).toEqual(['Order numbers have 6 digits.']);
    });

    it('always follows a tapped choice that names an action', async () => {
      const driver = chat();
      await driver.send('where is my order');
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'size' }))).toEqual(['Which size?']);
    });
  });

  describe('options with a variable', () => {
    it('stores a tapped value, branches on it and goes on', async () => {
      const driver = chat();
      await driver.send('size guide');
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'l', text: 'Large' }))).toEqual([
        'Large it is.',
        'Noted: l.',
      ]);
    });

    it('accepts a typed label, even misspelt, or a position', async () => {
      const driver = chat();
      await driver.send('size guide');
      expect(driver.texts(await driver.send('smal'))).toEqual(['Small it is.', 'Noted: s.']);
      await driver.send('size guide');
      expect(driver.texts(await driver.send('2'))).toEqual(['Large it is.', 'Noted: l.']);
    });

    it('shows the choices again with a built-in request to pick one', async () => {
      const driver = chat();
      await driver.send('size guide');
      const reply = await driver.send('blue');
      expect(reply.responses).toEqual([
        {
          type: 'option',
          title: 'Please pick one of these options:',
          options: [
            { label: 'Small', value: 's' },
            { label: 'Large', value: 'l' },
          ],
        },
      ]);
    });
  });

  describe('steps', () => {
    it('renders media, cards, carousels, pauses and hand-over with templates filled', async () => {
      const driver = chat(
        single(`      - set: {item: Mug}
      - image: {url: "https://x.example/{{item}}.png", title: "{{item}}", description: For you}
      - video: https://x.example/v.mp4
      - audio: {url: https://x.example/a.mp3}
      - file: {url: https://x.example/f.pdf, title: Form}
      - card: {title: "{{item}}", subtitle: "£18", image_url: https://x.example/m.jpg, buttons: [{label: Buy, url: https://x.example/buy}, {label: Next, value: next}]}
      - carousel: {cards: [{title: A}, {title: B}]}
      - pause: {ms: 700, typing: false}
      - connect_to_agent: {message: "Hi {{profile.first_name}}, a colleague comes.", reason: "About {{item}}"}`),
      );
      const reply = await driver.send('start the test');
      expect(reply.responses).toEqual([
        { type: 'image', url: 'https://x.example/Mug.png', title: 'Mug', description: 'For you' },
        { type: 'video', url: 'https://x.example/v.mp4' },
        { type: 'audio', url: 'https://x.example/a.mp3' },
        { type: 'file', url: 'https://x.example/f.pdf', title: 'Form' },
        {
          type: 'card',
          title: 'Mug',
          subtitle: '£18',
          image_url: 'https://x.example/m.jpg',
          buttons: [
            { label: 'Buy', url: 'https://x.example/buy' },
            { label: 'Next', value: 'next' },
          ],
        },
        { type: 'carousel', cards: [{ title: 'A' }, { title: 'B' }] },
        { type: 'pause', ms: 700, typing: false },
        { type: 'connect_to_agent', message: 'Hi Ana, a colleague comes.', reason: 'About Mug' },
      ]);
    });

    it('sets, overwrites and removes context variables', async () => {
      const driver = chat(
        single(`      - set: {topic: returns, count: 2, vip: true, gone: x}
      - set: {gone: null, topic: "{{topic}}-{{count}}"}
      - say: "{{topic}} {{vip}} [{{gone}}]"`),
      );
      expect(driver.texts(await driver.send('start the test'))).toEqual(['returns-2 true []']);
      expect(driver.context).toEqual({ vars: { topic: 'returns-2', count: 2, vip: true } });
    });

    it('branches on the last input and jumps with goto', async () => {
      const yaml = single(`      - if: {variable: input, matches: "please"}
        goto: next
      - say: Stayed.`);
      expect(chat(yaml).texts(await chat(yaml).send('start the test'))).toEqual(['Stayed.']);
      const driver = chat(yaml);
      expect(driver.texts(await driver.send('start the test please'))).toEqual(['In next.']);
    });

    it('stops at end', async () => {
      const driver = chat(
        single(`      - if: {variable: input, matches: "now"}
        then: [{say: Stopping.}, end]
      - say: Went on.`),
      );
      expect(driver.texts(await driver.send('start the test now'))).toEqual(['Stopping.']);
      expect(driver.texts(await driver.send('start the test'))).toEqual(['Went on.']);
    });

    it('resumes inside a branch after a question asked there', async () => {
      const driver = chat(
        single(`      - if: {variable: name, exists: false}
        then:
          - ask: {text: "Name?", variable: name}
          - say: "Hello {{name}}."
        else:
          - say: "Welcome back {{name}}."
      - say: Done.`),
      );
      expect(driver.texts(await driver.send('start the test'))).toEqual(['Name?']);
      expect(driver.texts(await driver.send('Zoé'))).toEqual(['Hello Zoé.', 'Done.']);
      expect(driver.texts(await driver.send('start the test'))).toEqual(['Welcome back Zoé.', 'Done.']);
    });

    it('drops a text that renders empty instead of sending an empty message', async () => {
      const driver = chat(single('      - say: "{{missing}}"\n      - say: Shown.'));
      expect(driver.texts(await driver.send('start the test'))).toEqual(['Shown.']);
    });

    it('stops a goto loop instead of running forever', async () => {
      const driver = chat(`actions:
  - id: a
    examples: [loop forever]
    steps: [{say: A}, {goto: b}]
  - id: b
    steps: [{goto: a}]
`);
      const reply = await driver.send('loop forever');
      expect(reply.responses.length).toBeGreaterThan(10);
      expect(reply.responses.length).toBeLessThan(500);
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
      expect(driver.context).toEqual({ vars: {}, waiting: { action: 'size', pc: 0, retries: 0 } });
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
