import { describe, expect, it } from 'vitest';
import { createIntentMatcher, type IntentDefinition } from './intent-matcher.ts';

const EN: IntentDefinition[] = [
  { id: 'order_status', examples: ['where is my order', 'track my package', 'my order has not arrived'] },
  { id: 'returns', examples: ['I want to return an item', 'refund please', 'the item arrived damaged'] },
  { id: 'human', examples: ['talk to a human', 'speak to an agent', 'real person please'] },
  { id: 'opening_hours', examples: ['opening hours', 'when are you open', 'are you open on sunday'] },
];

const FR: IntentDefinition[] = [
  { id: 'order_status', examples: ['où est ma commande', 'suivre mon colis', "ma commande n'est pas arrivée"] },
  { id: 'returns', examples: ['retourner un article', 'être remboursé', 'article arrivé abîmé'] },
  { id: 'human', examples: ['parler à un conseiller', 'une vraie personne', "parler à quelqu'un"] },
];

const best = (matcher: ReturnType<typeof createIntentMatcher>, text: string) => matcher.rank(text)[0]!;

describe('createIntentMatcher', () => {
  const en = createIntentMatcher(EN, { language: 'en' });
  const fr = createIntentMatcher(FR, { language: 'fr' });

  it('gives a training example the full similarity and the best score', () => {
    expect(best(en, 'track my package')).toMatchObject({ intent: 'order_status', similarity: 1 });
  });

  it('scores the geometric mean of the similarity and the square root of the learned probability', () => {
    const ranking = en.rank('has my parcel come yet');
    expect(ranking.reduce((sum, r) => sum + r.probability, 0)).toBeCloseTo(1);
    for (const r of ranking) expect(r.score).toBeCloseTo(Math.sqrt(r.similarity * Math.sqrt(r.probability)));
    expect(ranking[0]).toMatchObject({ intent: 'order_status' });
  });

  it('does not take a request the text turns down for that request', () => {
    const matcher = createIntentMatcher(
      [
        {
          id: 'cancel_order',
          examples: ['cancel my order', 'I want to cancel my order', "I don't want my order anymore"],
        },
        { id: 'login', examples: ["I can't log in", 'login problem', 'forgot my password'] },
        ...EN.slice(0, 1),
      ],
      { language: 'en' },
    );
    for (const text of [
      "I don't want to cancel my order",
      'no need to cancel my order',
      "I didn't mean to cancel my order",
      "I'd rather not cancel my order",
    ])
      expect([text, best(matcher, text).score]).toEqual([text, 0]);
    expect(best(matcher, 'I do not want to cancel my order, where is it?').intent).toBe('order_status');
    expect(best(matcher, "I can't log in")).toMatchObject({ intent: 'login', similarity: 1 });
    expect(best(matcher, "cancel my order, I don't want it anymore").intent).toBe('cancel_order');
    expect(best(matcher, "I don't want my order anymore").intent).toBe('cancel_order');
    const french = createIntentMatcher(
      [
        {
          id: 'cancel_order',
          examples: ['annuler ma commande', 'je veux annuler ma commande', 'je ne veux plus de ma commande'],
        },
        ...FR.slice(0, 1),
      ],
      { language: 'fr' },
    );
    expect(best(french, 'je ne veux pas annuler ma commande').score).toBe(0);
    expect(best(french, "pas besoin d'annuler ma commande, elle est où ?").intent).toBe('order_status');
    expect(best(french, "annulez ma commande, je n'en veux plus").intent).toBe('cancel_order');
  });

  it('matches a request turned down with an example turning the same down, not with the request', () => {
    const matcher = createIntentMatcher(
      [
        { id: 'cancel_order', examples: ['cancel my order', 'I want to cancel my order'] },
        { id: 'keep_order', examples: ["I don't want to cancel anymore", 'keep my order'] },
        { id: 'unsubscribe', examples: ["I don't want to receive your emails", 'unsubscribe me'] },
        { id: 'subscribe', examples: ['I want to receive your emails', 'sign me up to the newsletter'] },
      ],
      { language: 'en' },
    );
    expect(best(matcher, "I don't want to cancle my order anymore").intent).toBe('keep_order');
    expect(best(matcher, "I don't want to receive emails anymore").intent).toBe('unsubscribe');
    expect(best(matcher, 'I want to receive emails').intent).toBe('subscribe');
    expect(best(matcher, 'cancel my order please').intent).toBe('cancel_order');
  });

  it('ranks every intent, best first', () => {
    const ranking = en.rank('where is my refund');
    expect(ranking.map((r) => r.intent).sort()).toEqual(['human', 'opening_hours', 'order_status', 'returns']);
    expect(ranking[0]!.score).toBeGreaterThanOrEqual(ranking[1]!.score);
  });

  it('understands misspelt English', () => {
    expect(best(en, 'whre is my packge')).toMatchObject({ intent: 'order_status' });
    expect(best(en, 'i want a refnud')).toMatchObject({ intent: 'returns' });
    expect(best(en, 'whre is my packge').score).toBeGreaterThan(0.5);
  });

  it('does not care about word order or case', () => {
    expect(best(en, 'PACKAGE TRACK')).toMatchObject({ intent: 'order_status' });
    expect(best(en, 'ORDER STATUS: WHERE IS IT')).toMatchObject({ intent: 'order_status' });
    expect(best(en, 'hours opening').score).toBeGreaterThan(0.9);
  });

  it('matches French with or without accents, and with typos', () => {
    expect(best(fr, 'ou est ma commande')).toMatchObject({ intent: 'order_status', similarity: 1 });
    expect(best(fr, 'OÙ EST MA COMMANDE ?')).toMatchObject({ intent: 'order_status', similarity: 1 });
    expect(best(fr, 'je veux etre rembourse')).toMatchObject({ intent: 'returns' });
    expect(best(fr, 'parler a un conseiler')).toMatchObject({ intent: 'human' });
    expect(best(fr, 'mon colis est ou ?')).toMatchObject({ intent: 'order_status' });
  });

  it('scores text about something else low', () => {
    expect(best(en, 'what is the weather like in Paris').score).toBeLessThan(0.3);
    expect(best(en, 'asdfghjkl').score).toBeLessThan(0.3);
    expect(best(fr, 'quel temps fait-il à Paris').score).toBeLessThan(0.3);
  });

  it('lets a word the examples never use count against a match', () => {
    const plain = best(en, 'refund').score;
    const diluted = best(en, 'refund for my broken bicycle helmet').score;
    expect(diluted).toBeLessThan(plain);
  });

  it('weighs words that belong to one intent more than words shared by several', () => {
    const matcher = createIntentMatcher(
      [
        { id: 'cancel', examples: ['cancel my order'] },
        { id: 'status', examples: ['status of my order'] },
        { id: 'change', examples: ['change my order'] },
      ],
      { language: 'en' },
    );
    expect(best(matcher, 'order cancel')).toMatchObject({ intent: 'cancel' });
  });

  it('returns nothing when there are no examples', () => {
    expect(createIntentMatcher([]).rank('hello')).toEqual([]);
  });

  it('treats a typo of a stop word as a stop word, not as an unknown word', () => {
    expect(best(en, 'whre is my package').score).toBeCloseTo(best(en, 'where is my package').score);
  });

  it('still matches texts made only of stop words against examples made of them', () => {
    const matcher = createIntentMatcher([
      { id: 'about', examples: ['who are you'] },
      { id: 'x', examples: ['refund'] },
    ]);
    expect(best(matcher, 'who are you?')).toMatchObject({ intent: 'about' });
  });

  it('adds up the words an intent knows from different examples', () => {
    const matcher = createIntentMatcher([
      { id: 'order_status', examples: ['where is my order', 'my parcel is late'] },
      { id: 'goodbye', examples: ['later', 'see you later'] },
    ]);
    expect(best(matcher, 'my order is late')).toMatchObject({ intent: 'order_status' });
  });

  it('knows common customer vocabulary the examples do not spell out', () => {
    const matcher = createIntentMatcher([
      { id: 'welcome', examples: ['hello'] },
      { id: 'thanks', examples: ['thank you'] },
      { id: 'goodbye', examples: ['goodbye'] },
      { id: 'order_status', examples: ['where is my package'] },
    ]);
    expect(best(matcher, 'hiya')).toMatchObject({ intent: 'welcome', similarity: 1 });
    expect(best(matcher, 'cheers!')).toMatchObject({ intent: 'thanks', similarity: 1 });
    expect(best(matcher, 'have a nice day')).toMatchObject({ intent: 'goodbye', similarity: 1 });
    expect(best(matcher, 'wheres my parcel')).toMatchObject({ intent: 'order_status' });
    const fr = createIntentMatcher(
      [
        { id: 'welcome', examples: ['bonjour'] },
        { id: 'goodbye', examples: ['au revoir'] },
      ],
      { language: 'fr' },
    );
    expect(best(fr, 'coucou')).toMatchObject({ intent: 'welcome', similarity: 1 });
    expect(best(fr, 'bonne journée !')).toMatchObject({ intent: 'goodbye', similarity: 1 });
  });

  it('lets a request decide over the greeting or the thanks around it', () => {
    const matcher = createIntentMatcher([
      { id: 'welcome', examples: ['hi', 'hello there'] },
      { id: 'thanks', examples: ['thank you'] },
      { id: 'order_status', examples: ['where is my order', 'track my parcel'] },
      { id: 'cancel_order', examples: ['cancel my order'] },
      { id: 'store', examples: ['where are you'] },
    ]);
    expect(best(matcher, 'hi, where is my order?')).toMatchObject({ intent: 'order_status', similarity: 0.95 });
    expect(best(matcher, 'thank you! where is my order')).toMatchObject({ intent: 'order_status', similarity: 0.95 });
    expect(best(matcher, 'hello!!')).toMatchObject({ intent: 'welcome', similarity: 1 });
    expect(best(matcher, 'can I cancel my order? placed it this morning')).toMatchObject({ intent: 'cancel_order' });
    expect(best(matcher, 'quick question, sorry to bother you: where is my order?')).toMatchObject({
      intent: 'order_status',
      similarity: 0.95,
    });
    expect(best(matcher, 'thanks, bye')).toMatchObject({ intent: 'thanks' });
  });

  it('lets the text as written win a tie with its request alone', () => {
    const matcher = createIntentMatcher(
      [
        { id: 'menu', examples: ['aide', 'menu'] },
        { id: 'thanks', examples: ['merci pour votre aide', 'merci'] },
      ],
      { language: 'fr' },
    );
    expect(best(matcher, "merci pour l'aide !")).toMatchObject({ intent: 'thanks', similarity: 1 });
    expect(best(matcher, 'aide')).toMatchObject({ intent: 'menu', similarity: 1 });
  });

  it('reads a long word one typo away from a single known word as that word', () => {
    const matcher = createIntentMatcher([
      { id: 'products', examples: ['do you sell candles', 'older mugs'] },
      { id: 'order_status', examples: ['track my order'] },
    ]);
    expect(best(matcher, 'do you sell candels')).toMatchObject({ intent: 'products', similarity: 1 });
    expect(best(matcher, 'do you sell cnadles')).toMatchObject({ intent: 'products', similarity: 1 });
    // "odder" is one typo from both "order" and "older": left as typed, a partial match of each.
    expect(best(matcher, 'track my odder').similarity).toBeLessThan(1);
  });

  it('forgives a typo of a synonym the lexicon knows', () => {
    expect(best(en, 'track my packge')).toMatchObject({ intent: 'order_status' });
    expect(best(en, 'track my packge').score).toBeGreaterThan(0.9);
  });

  it('lets a question word tip the balance between intents that share the other words', () => {
    const matcher = createIntentMatcher(
      [
        { id: 'order_status', examples: ['où est mon colis', 'suivi de commande'] },
        { id: 'cancel_order', examples: ['plus de commande', 'annuler ma commande'] },
      ],
      { language: 'fr' },
    );
    expect(best(matcher, 'où est ma commande ?')).toMatchObject({ intent: 'order_status' });
    expect(best(matcher, 'ma commande ?')).toMatchObject({ intent: 'cancel_order' });
  });

  describe('with off-topic examples', () => {
    const intents: IntentDefinition[] = [
      { id: 'order_status', examples: ['where is my order', 'track my package', 'my order has not arrived'] },
      {
        id: 'store',
        examples: ['what time do you open', 'opening hours', 'when are you open', 'are you open on sunday'],
      },
      { id: 'human', examples: ['talk to a human', 'speak to an agent', 'real person please'] },
    ];
    const offTopic = [
      'what is the weather like',
      'tell me a story',
      'what time is it in New York',
      'who won the football',
    ];
    const plain = createIntentMatcher(intents, { language: 'en' });
    const guarded = createIntentMatcher(intents, { language: 'en', offTopic });

    it('lowers a text that shares words with an intent but is like an off-topic example below that intent', () => {
      const text = 'what time is it in london';
      expect(best(plain, text)).toMatchObject({ intent: 'store' });
      expect(best(plain, text).score).toBeGreaterThan(0.6);
      expect(best(guarded, text).score).toBeLessThan(0.5);
    });

    it('keeps the requests the intents are for', () => {
      for (const text of ['what time do you open on saturday', 'where is my order', 'can I speak to a real person']) {
        expect(best(guarded, text).intent).toBe(best(plain, text).intent);
        expect(best(guarded, text).score).toBeGreaterThan(0.9 * best(plain, text).score);
      }
    });

    it('ranks only the intents, whose probabilities leave the off-topic share out', () => {
      const ranking = guarded.rank('who won the football');
      expect(ranking.map((r) => r.intent).sort()).toEqual(['human', 'order_status', 'store']);
      expect(ranking.reduce((sum, r) => sum + r.probability, 0)).toBeLessThan(0.5);
    });

    it('does not read an off-topic word as a typo of an intent word', () => {
      const care = [{ id: 'care', examples: ['how do I keep the glaze shiny', 'glaze care'] }, intents[0]!];
      // Alone, "graze" is one typo from "glaze"; an off-topic example that uses it makes it a word of its own.
      expect(best(createIntentMatcher(care), 'graze').score).toBeGreaterThan(0.8);
      const matcher = createIntentMatcher(care, { offTopic: ['can sheep graze in winter'] });
      expect(best(matcher, 'graze').score).toBeLessThan(0.5);
    });
  });
});
