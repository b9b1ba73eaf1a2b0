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
    expect(rewrite('en', 'morning all')).toEqual(['hello', 'all']);
    expect(rewrite('en', 'where is my package')).toEqual(['where', 'is', 'my', 'parcel']);
    expect(rewrite('fr', 'Coucou, mon paquet est abîmé')).toEqual(['bonjour', 'mon', 'colis', 'est', 'casse']);
  });

  it('recognises plurals of synonyms', () => {
    expect(rewrite('en', 'packages deals')).toEqual(['parcel', 'discount']);
  });

  it("recognises inflected forms of synonyms through the language's stemmer", () => {
    expect(rewrite('en', 'refunded swapped reimbursed')).toEqual(['refund', 'exchange', 'refund']);
    expect(rewrite('fr', 'échangé annulée')).toEqual(['echange', 'annuler']);
  });

  it("knows a shop's everyday words for the same thing", () => {
    expect(rewrite('en', 'it never showed up')).toEqual(['it', 'never', 'arrive']);
    expect(rewrite('en', 'eta sent carrier')).toEqual(['arrive', 'send', 'courier']);
    expect(rewrite('en', 'how much is delivery')).toEqual(['price', 'delivery']);
    expect(rewrite('en', 'lavender candle in blue, black friday')).toEqual([
      'scent',
      'candle',
      'in',
      'colour',
      'discount',
    ]);
    expect(rewrite('fr', 'arrivé en mille morceaux')).toEqual(['arrive', 'casse']);
    expect(rewrite('en', 'how much longer')).toEqual(['how', 'much', 'longer']);
    expect(rewrite('en', 'made of')).toEqual(['material']);
    expect(rewrite('en', 'hand poured sustainable')).toEqual(['handmade', 'eco']);
    expect(rewrite('en', 'packaging')).toEqual(['packaging']);
    expect(rewrite('fr', 'une tasse artisanale écolo')).toEqual(['une', 'mug', 'faitmain', 'eco']);
    expect(rewrite('fr', 'allô')).toEqual(['bonjour']);
    expect(rewrite('en', 'fantastic')).toEqual(rewrite('en', 'perfect'));
    expect(rewrite('fr', 'trop bien')).toEqual(rewrite('fr', 'nickel'));
    expect(rewrite('fr', 'porter plainte')).toEqual(['porter', 'reclamation']);
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

  it('knows couriers, gift cards and wallets by their names', () => {
    expect(rewrite('en', 'Royal Mail or DHL, not my email')).toEqual([
      'courier',
      'or',
      'courier',
      'not',
      'my',
      'email',
    ]);
    expect(rewrite('en', 'gift cards or a giftcard')).toEqual(['giftcard', 'or', 'a', 'giftcard']);
    expect(rewrite('fr', 'une carte kdo, des cartes cadeaux')).toEqual(['une', 'cartecadeau', 'des', 'cartecadeau']);
    expect(rewrite('fr', 'Lydia ou Mondial Relay')).toEqual(['paypal', 'ou', 'transporteur']);
  });

  it('tells French advice ("vous me conseillez") from an adviser ("un conseiller")', () => {
    expect(rewrite('fr', 'vous conseillez quoi, ou un conseiller')).toEqual([
      'vous',
      'recommander',
      'quoi',
      'ou',
      'un',
      'personne',
    ]);
    expect(rewrite('fr', 'un film à me conseiller')).toEqual(['un', 'film', 'a', 'recommander']);
  });

  it('reads the French right of withdrawal as a return, and getting money back as a refund', () => {
    expect(rewrite('fr', 'droit de rétractation')).toEqual(['droit', 'de', 'retour']);
    expect(rewrite('fr', 'récupérer mon argent')).toEqual(['rembourser']);
  });

  it('keeps "émail" (a glaze) apart from an e-mail in French', () => {
    expect(rewrite('fr', "l'émail du mug, pas mon email")).toEqual(['l', 'emaux', 'du', 'mug', 'pas', 'mon', 'email']);
    expect(rewrite('fr', 'Émail')).toEqual(['emaux']);
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
