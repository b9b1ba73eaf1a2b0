import { describe, expect, it } from 'vitest';
import { foldText, tokenize } from './fold-text.ts';

describe('foldText', () => {
  it('lower-cases and strips accents so French typed with or without accents meets', () => {
    expect(foldText('Où est ma COMMANDE ?')).toBe('ou est ma commande');
    expect(foldText('Délais de livraison')).toBe(foldText('delais de LIVRAISON'));
  });

  it('turns ligatures into plain letters', () => {
    expect(foldText('Un œil sur l’Œuvre, Straße')).toBe('un oeil sur l oeuvre strasse');
  });

  it('drops punctuation and emoji but keeps digits', () => {
    expect(foldText('📦 Order #204518!!!')).toBe('order 204518');
  });
});

describe('tokenize', () => {
  it('splits elisions and contractions into words', () => {
    expect(tokenize("L'adresse du magasin ?")).toEqual(['l', 'adresse', 'du', 'magasin']);
    expect(tokenize("where's my order")).toEqual(['where', 's', 'my', 'order']);
  });

  it('gives no words for text without letters or digits', () => {
    expect(tokenize(' ?! 👍 ')).toEqual([]);
  });
});
