import { describe, expect, it } from 'vitest';
import { createTextAnalyzer } from './text-analysis.ts';

const en = createTextAnalyzer('en');
const fr = createTextAnalyzer('fr');

describe('createTextAnalyzer', () => {
  it('keeps the content words once each, without stop words or numbers', () => {
    expect(en.contentWords('Can you please track my order 204518, my ORDER?')).toEqual(['track', 'order']);
    expect(fr.contentWords("Je voudrais suivre ma commande n° 204518 s'il vous plaît")).toEqual(['suivre', 'commande']);
  });

  it('keeps question words, which count for less but not for nothing', () => {
    expect(en.contentWords('where is my parcel')).toEqual(['where', 'parcel']);
    expect(en.isQuestionWord('where')).toBe(true);
    expect(fr.isQuestionWord('quand')).toBe(true);
    expect(fr.isQuestionWord('commande')).toBe(false);
  });

  it('ignores chat noise and reads chat shorthands', () => {
    expect(en.contentWords('lol oops where is my order haha')).toEqual(['where', 'order']);
    expect(fr.contentWords('mdr ma cmd est où ?')).toEqual(['commande', 'ou']);
    expect(fr.contentWords('c koi vos horaires, jai pas compris')).toEqual(['horaires', 'pas', 'compris']);
    expect(fr.contentWords('kel est le prix, ya un pb ?')).toEqual(['quel', 'prix', 'probleme']);
    expect(fr.contentWords('tjrs pas reçu de kdo')).toEqual(['toujours', 'pas', 'recu', 'cadeau']);
    expect(en.contentWords('whr is my order')).toEqual(['where', 'order']);
    expect(en.contentWords('sorry to bother you, quick question: where is my order?')).toEqual([
      'question',
      'where',
      'order',
    ]);
    expect(en.isCourtesyWord('question')).toBe(true);
  });

  it('drops wanting and needing in any tense, as in the present', () => {
    expect(en.contentWords('I wanted a refund, that is what I needed')).toEqual(['refund', 'what']);
    expect(fr.contentWords('je voulais un truc comme ça, vous pourriez le faire ?')).toEqual(['truc']);
  });

  it('drops what is left of contractions, with or without the apostrophe', () => {
    expect(en.contentWords("I've been waiting, youre so late")).toEqual(['waiting', 'late']);
    expect(en.contentWords("we're moving, you'll need my new address")).toEqual(['moving', 'new', 'address']);
    expect(fr.contentWords("j'aimerais savoir où est ma commande")).toEqual(['ou', 'commande']);
    expect(fr.contentWords('je souhaiterais savoir quand je serai livrée')).toEqual(['quand', 'livree']);
  });

  it('squeezes letters typed three times or more', () => {
    expect(fr.contentWords('merciiii')).toEqual(['merci']);
    expect(en.contentWords('helloooo')).toEqual(['hello']);
  });

  it('keeps the stop words of a text made only of them, fillers excepted', () => {
    expect(en.contentWords('are you there guys?')).toEqual(['are', 'you', 'there']);
    expect(en.contentWords('please')).toEqual(['please']);
  });

  it('treats a negation as a content word in both languages', () => {
    expect(en.contentWords('this is not helpful')).toEqual(['not', 'helpful']);
    expect(fr.contentWords("vous ne m'aidez pas")).toEqual(['aidez', 'pas']);
  });

  it('leaves out what a text turns down', () => {
    expect(en.contentWords('can I talk to a person instead of this bot')).toEqual(['talk', 'person']);
    expect(en.contentWords('a human rather than a robot')).toEqual(['person']);
    expect(fr.contentWords('je veux parler à un humain, pas à un robot')).toEqual(['parler', 'personne']);
    expect(en.contentWords('are you a bot')).toEqual(['bot']);
  });

  it('writes a request the text turns down in capitals, to the end of its clause, without its negation', () => {
    expect(en.contentWords("I don't want to cancel my order")).toEqual(['CANCEL', 'ORDER']);
    expect(en.words("I don't want to cancel my order")).toEqual(['i', 'CANCEL', 'MY', 'ORDER']);
    expect(en.contentWords('I do not want to cancel my order, just change the address')).toEqual([
      'CANCEL',
      'ORDER',
      'change',
      'address',
    ]);
    expect(en.contentWords("I didn't mean to cancel it but where is it")).toEqual(['CANCEL', 'where']);
    expect(en.contentWords('no need to cancel')).toEqual(['CANCEL']);
    expect(en.contentWords("I really don't want to wait and I want a person")).toEqual(['WAIT', 'person']);
    expect(en.contentWords("I don't want to")).toEqual([]);
    expect(en.contentWords("I'd rather not cancel my order")).toEqual(['CANCEL', 'ORDER']);
    expect(en.contentWords('I would sooner not wait, get me a person')).toEqual(['WAIT', 'person']);
    expect(en.contentWords("I'd prefer not to cancel it")).toEqual(['CANCEL']);
    expect(fr.contentWords('je ne veux pas annuler ma commande')).toEqual(['ANNULER', 'COMMANDE']);
    expect(fr.contentWords('je veux plus annuler')).toEqual(['ANNULER']);
    expect(fr.contentWords("pas besoin d'annuler, juste changer l'adresse")).toEqual([
      'ANNULER',
      'modifier',
      'adresse',
    ]);
  });

  it('keeps the negations that are part of a request', () => {
    expect(en.contentWords("I can't log in")).toEqual(['not', 'log']);
    expect(en.contentWords('my parcel never came')).toEqual(['parcel', 'never', 'came']);
    expect(en.contentWords("don't send my order")).toEqual(['not', 'send', 'order']);
    expect(en.contentWords("cancel my order, I don't want it anymore")).toEqual(['cancel', 'order', 'not', 'anymore']);
    expect(en.contentWords("I don't want a refund")).toEqual(['not', 'refund']);
    expect(fr.contentWords('je ne veux plus de ma commande')).toEqual(['plus', 'commande']);
    expect(fr.contentWords("je n'ai pas reçu ma commande")).toEqual(['pas', 'recu', 'commande']);
    // Not wanting to talk to the bot asks for a person.
    expect(en.contentWords("I don't want to talk to a bot")).toEqual(['not', 'talk', 'bot']);
    expect(fr.contentWords('je ne veux pas parler à un robot')).toEqual(['pas', 'parler', 'robot']);
  });

  it('corrects an unknown word into a synonym, a question word or nothing', () => {
    expect(en.correct('packge')).toBe('parcel');
    expect(en.correct('heyy')).toBe('hello');
    expect(en.correct('wher')).toBe('where');
    expect(en.correct('pleasse')).toBeUndefined();
    expect(en.correct('bicycle')).toBe('bicycle');
  });

  it('reads both the words and the content words of a text at once, as the two calls would', () => {
    for (const text of [
      'Hiya, where is my packge??',
      'a person instead of this bot',
      'please',
      "I don't want to cancel",
    ]) {
      expect(en.read(text)).toEqual({ words: en.words(text), contentWords: en.contentWords(text) });
    }
  });
});
