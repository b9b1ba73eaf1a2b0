import { describe, expect, it } from 'vitest';
import { lightStem, stemmerFor } from './stemmer.ts';

const en = stemmerFor('en');
const fr = stemmerFor('fr-CA');

describe('stemmerFor', () => {
  it('meets the inflected forms of an English word', () => {
    expect(new Set(['order', 'orders', 'ordered', 'ordering'].map(en))).toEqual(new Set(['order']));
    expect(new Set(['ship', 'ships', 'shipped', 'shipping'].map(en))).toEqual(new Set(['ship']));
    expect(new Set(['arrive', 'arrived', 'arrives', 'arriving'].map(en)).size).toBe(1);
    expect(en('deliveries')).toBe(en('delivery'));
    expect(en('quickly')).toBe('quick');
  });

  it('meets the inflected forms of a French word, accents folded', () => {
    expect(new Set(['commande', 'commandes', 'commandee', 'commander', 'commandez'].map(fr)).size).toBe(1);
    expect(new Set(['livre', 'livree', 'livrees', 'livrer'].map(fr)).size).toBe(1);
    expect(fr('rapidement')).toBe(fr('rapide'));
    expect(fr('cadeaux')).toBe('cadeau');
  });

  it('leaves short words, double s and words that only look inflected alone', () => {
    expect(en('bus')).toBe('bus');
    expect(en('address')).toBe('address');
    expect(en('status')).toBe('status');
    expect(en('reply')).not.toBe('rep');
    expect(fr('client')).toBe('client');
  });

  it('falls back to dropping a plural and a final e in other languages', () => {
    expect(stemmerFor('de')).toBe(lightStem);
    expect(lightStem('commandes')).toBe(lightStem('commande'));
    expect(lightStem('address')).toBe('address');
  });
});
