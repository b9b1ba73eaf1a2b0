import { describe, expect, it } from 'vitest';
import { tokenize } from './fold-text.ts';
import { lexiconFor } from './lexicon.ts';

const rewrite = (language: string, text: string) => {
  const lexicon = lexiconFor(language);
  return lexicon.rewrite(tokenize(lexicon.prepare(text)));
};

describe('lexiconFor', () => {
  it('turns synonyms into the first word of their group', () => {
    expect(rewrite('en', 'hiya')).toEqual(['hello']);
    expect(rewrite('en', 'where is my package')).toEqual(['where', 'is', 'my', 'parcel']);
    expect(rewrite('fr', 'Coucou, mon paquet est abîmé')).toEqual(['bonjour', 'mon', 'colis', 'est', 'casse']);
  });

  it('recognises plurals of synonyms', () => {
    expect(rewrite('en', 'packages deals')).toEqual(['parcel', 'discount']);
  });

  it('turns fixed expressions into one word, the longest first', () => {
    expect(rewrite('en', 'ok have a nice day')).toEqual(['ok', 'bye']);
    expect(rewrite('en', 'thank you so much')).toEqual(['thanks', 'so', 'much']);
    expect(rewrite('fr', 'à plus tard')).toEqual(['aurevoir']);
    expect(rewrite('fr', "je veux parler à quelqu'un")).toEqual(['je', 'veux', 'parler', 'a', 'personne']);
  });

  it('reads English negative contractions, with or without the apostrophe, as "not"', () => {
    expect(rewrite('en', "it didn't arrive")).toEqual(['it', 'not', 'arrive']);
    expect(rewrite('en', 'it didnt arrive')).toEqual(['it', 'not', 'arrive']);
    expect(rewrite('en', "I can't pay")).toEqual(['i', 'not', 'pay']);
  });

  it('reads "a+" as "à plus" in French only', () => {
    expect(rewrite('fr', 'merci, a+')).toEqual(['merci', 'aurevoir']);
    expect(rewrite('en', 'grade a+')).toEqual(['grade', 'a']);
  });

  it('leaves other words alone, and every word in languages it does not know', () => {
    expect(rewrite('en', 'my candle smokes')).toEqual(['my', 'candle', 'smokes']);
    expect(rewrite('de', 'hallo package')).toEqual(['hallo', 'package']);
  });

  it('finds the synonym a long word misspells, but not a short one', () => {
    expect(lexiconFor('en').nearest('packge')).toBe('parcel');
    expect(lexiconFor('fr').nearest('remplacment')).toBe('echange');
    expect(lexiconFor('en').nearest('stuff')).toBeUndefined();
    expect(lexiconFor('en').nearest('candle')).toBeUndefined();
  });
});
