import { tokenize } from './fold-text.ts';
import { lexiconFor } from './lexicon.ts';
import { fillersFor, isStopword, stopwordsFor } from './stopwords.ts';

/** Turns texts of one language into the words the matcher compares. */
export interface TextAnalyzer {
  /**
   * The content words of a text, each once, in order: folded, letters repeated three times or more
   * squeezed ("merciii" → "merci"), rewritten by the lexicon ("hiya" → "hello"), without stop words and
   * bare numbers. A text made only of stop words keeps them, fillers ("please", "guys") excepted.
   */
  contentWords(text: string): string[];
  /** The lexicon's word for a typo of one of its synonyms ("packge" → "parcel"), if any. */
  nearest(word: string): string | undefined;
  readonly stopwords: ReadonlySet<string>;
}

/** The analyzer of a language ("en", "fr", "fr-CA" uses "fr"; others get no stop words and no lexicon). */
export function createTextAnalyzer(language: string): TextAnalyzer {
  const stopwords = stopwordsFor(language);
  const fillers = fillersFor(language);
  const lexicon = lexiconFor(language);
  return {
    stopwords,
    nearest: (word) => lexicon.nearest(word),
    contentWords(text) {
      const words = lexicon.rewrite(tokenize(lexicon.prepare(text)).map((w) => w.replace(/(\p{L})\1{2,}/gu, '$1')));
      const content = words.filter((w) => !isStopword(w, stopwords) && !/^\d+$/.test(w));
      const meaningful = words.filter((w) => !fillers.has(w));
      return [...new Set(content.length > 0 ? content : meaningful.length > 0 ? meaningful : words)];
    },
  };
}
