import { describe, expect, it } from 'vitest';
import { chat, single } from './flow-test-fixtures.ts';

describe('flow assistant questions', () => {
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

    it('stops a pattern that backtracks catastrophically: the fallback answers and the conversation is flagged', async () => {
      const driver = chat(single('      - ask: {text: "Your name?", variable: name, pattern: "^(\\\\w+\\\\s?)*$"}'));
      await driver.send('start the test');
      const reply = await driver.send(`${'a'.repeat(27)}!`);
      expect(driver.texts(reply)).toEqual(["Sorry, I didn't quite get that. Could you say it another way?"]);
      expect(reply).toMatchObject({ fallback: true });
      expect(reply.failure?.reason).toMatch(/^slow_pattern: the pattern '\^\(\\w\+\\s\?\)\*\$' ran over 100 ms/);
      expect(driver.context).toEqual({ vars: {} });
      // Ordinary answers still go through it.
      await driver.send('start the test');
      expect(driver.context).toMatchObject({ waiting: { variable: 'name' } });
      expect((await driver.send('Zoe')).failure).toBeUndefined();
      expect(driver.context).toEqual({ vars: { name: 'Zoe' } });
    });

    it('goes to on_fail after too many wrong answers', async () => {
      const driver = chat(
        single('      - ask: {text: "Code?", variable: code, pattern: "^[A-Z]{3}$", max_retries: 0, on_fail: next}'),
      );
      await driver.send('start the test');
      expect(driver.texts(await driver.send('12'))).toEqual(['In next.']);
    });

    it('gives up for good when the fallback would only ask the same question again', async () => {
      const fallback = `fallback:
  steps:
    - say: Not sure what you meant.
    - ask: {text: "Yes or no?", variable: meant, pattern: "^(yes|no)$", max_retries: 1}
`;
      const driver = chat(single('      - say: Main.', fallback));
      expect(driver.texts(await driver.send('qwerty uiop'))).toEqual(['Not sure what you meant.', 'Yes or no?']);
      expect(driver.texts(await driver.send('maybe'))).toEqual(['Yes or no?']);
      const gaveUp = await driver.send('perhaps');
      expect(driver.texts(gaveUp)).toEqual(["Sorry, I didn't quite get that. Could you say it another way?"]);
      expect(gaveUp).toMatchObject({ fallback: true });
      expect(driver.context).not.toHaveProperty('waiting');
      // A fresh miss asks it again.
      expect(driver.texts(await driver.send('asdf ghjk'))).toEqual(['Not sure what you meant.', 'Yes or no?']);
    });

    it('gives up to a fallback that leads back to the same question only once', async () => {
      const fallback = 'fallback:\n  steps:\n    - say: Hmm.\n    - goto: main\n';
      const driver = chat(
        single('      - ask: {text: "Code?", variable: code, pattern: "^[A-Z]{3}$", max_retries: 0}', fallback),
      );
      await driver.send('start the test');
      expect(driver.texts(await driver.send('12'))).toEqual([
        "Sorry, I didn't quite get that. Could you say it another way?",
      ]);
      expect(driver.context).not.toHaveProperty('waiting');
    });

    it('takes a tap on something the question does not offer (a menu item) for no answer', async () => {
      const driver = chat(single('      - ask: {text: "Your name?", variable: name}\n      - say: "Hi {{name}}."'));
      await driver.send('start the test');
      expect(driver.texts(await driver.send({ kind: 'choice', value: 'HOURS', text: 'Opening hours' }))).toEqual([
        'Your name?',
      ]);
      expect(driver.texts(await driver.send('Ana'))).toEqual(['Hi Ana.']);
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

    it('follows a tapped action while a free-text ask waits, instead of storing its label as the answer', async () => {
      const driver = chat();
      await driver.send('I have feedback');
      const tapped = await driver.send({ kind: 'choice', value: 'human', text: 'Talk to a person' });
      expect(driver.texts(tapped)).toEqual(['Bringing in a colleague.']);
      expect(driver.context).not.toHaveProperty('vars.comment');
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

    it('gives up to the fallback on the fourth answer that picks nothing', async () => {
      const driver = chat();
      await driver.send('size guide');
      for (const text of ['blue', 'green', 'red']) {
        expect(driver.texts(await driver.send(text))).toEqual(['Please pick one of these options:']);
      }
      expect(driver.texts(await driver.send('purple'))).toEqual(['Sorry, I did not get that.']);
      expect(driver.context).not.toHaveProperty('waiting');
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
});
