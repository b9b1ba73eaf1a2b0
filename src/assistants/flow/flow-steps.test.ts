import { describe, expect, it } from 'vitest';
import { chat, single } from './flow-test-fixtures.ts';

describe('flow assistant steps', () => {
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

  it('leaves out a card button whose label or address renders as nothing, never showing raw braces', async () => {
    const driver = chat(
      single(
        `      - card: {title: Parcel, buttons: [{label: "{{product}}", value: next}, {label: Track, url: "{{tracking_url}}"}, {label: Help, value: next}]}`,
      ),
    );
    const reply = await driver.send('start the test');
    expect(reply.responses).toEqual([{ type: 'card', title: 'Parcel', buttons: [{ label: 'Help', value: 'next' }] }]);
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

  it("compares the numbers people type as the file's language writes them", async () => {
    const steps = `      - ask: {text: "Budget?", variable: budget}
      - if: {variable: budget, greater_than: 999}
        then: [{say: Large.}]
        else: [{say: Small.}]`;
    const answer = async (language: string, text: string) => {
      const driver = chat(single(steps).replace('language: en', `language: ${language}`));
      await driver.send('start the test');
      return driver.texts(await driver.send(text));
    };
    expect(await answer('en', '1,000')).toEqual(['Large.']);
    expect(await answer('en', '1,5')).toEqual(['Small.']);
    expect(await answer('fr', '1,000')).toEqual(['Small.']);
    expect(await answer('fr', '1 000')).toEqual(['Large.']);
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

  it('stops a goto loop, sends the fallback instead of what the loop built up, and says why', async () => {
    // The goto back is conditional, so the file loads (parse-flow.ts refuses loops that can never stop).
    const driver = chat(`actions:
  - id: a
    examples: [loop forever]
    steps: [{say: A}, {pause: 60000}, {goto: b}]
  - id: b
    steps: [{if: {variable: stop, exists: false}, goto: a}]
fallback:
  steps: [{say: "Sorry, something went wrong on our side."}]
`);
    const reply = await driver.send('loop forever');
    expect(driver.texts(reply)).toEqual(['Sorry, something went wrong on our side.']);
    expect(reply.responses).toHaveLength(1);
    expect(reply.failure?.reason).toMatch(/^flow_loop: "a"/);
  });
});
