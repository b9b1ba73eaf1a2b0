import { markDeclinedRequests } from './declined-requests.ts';
import { tokenize } from './fold-text.ts';
import { lexiconFor } from './lexicon.ts';
import { type Stemmer, stemmerFor } from './stemmer.ts';
import { isStopword, languageWordsFor } from './stopwords.ts';
import { editDistance } from './word-similarity.ts';

/** Turns texts of one language into the words the matcher compares. */
export interface TextAnalyzer {
  /**
   * The content words of a text, each once, in order: folded, letters repeated three times or more
   * squeezed ("merciii" → "merci"), rewritten by the lexicon ("hiya" → "hello"), without stop words,
   * bare numbers and what the text turns down ("a person instead of a bot": "bot"), and with a request it turns down in
   * capitals ("I don't want to cancel my order" → "CANCEL", "ORDER"; declined-requests.ts). A text made only of stop
   * words keeps them, fillers ("please", "guys") excepted.
   */
  contentWords(text: string): string[];
  /**
   * Every word of a text, in order, stop words included: folded, squeezed and rewritten by the lexicon, with a request
   * the text turns down in capitals and its negation left out (declined-requests.ts).
   */
  words(text: string): string[];
  /** Both readings of a text at once, for the price of one. */
  read(text: string): { words: string[]; contentWords: string[] };
  /** The language's stemmer (stemmer.ts): inflected forms of a word meet. */
  stem: Stemmer;
  /** Question words ("where", "quand") count for less than other words; see stopwords.ts. */
  isQuestionWord(word: string): boolean;
  /** Greetings, thanks, farewells, "question" ("hello", "merci"): politeness next to a request; see stopwords.ts. */
  isCourtesyWord(word: string): boolean;
  /**
   * What to make of a word no example uses: the lexicon's word for a typo of one of its synonyms
   * ("packge" → "parcel", "heyy" → "hello"), the question word it misspells ("wher" → "where"), undefined for a misspelt
   * stop word ("pleasse"), else the word itself.
   */
  correct(word: string): string | undefined;
}

/** Punctuation that ends a clause, and with it what a negation covers ("I don't want to cancel, just to change it"). */
const CLAUSE_BREAK = /[,;:.!?…()\n]+/u;

/** The lexicon's word for "instead of", "rather than", "plutôt qu'à": what follows is what the person does not want. */
const INSTEAD = 'instead';

/** Drops the content word after each `instead`, and the marker ("a person instead of this bot" → "person"). */
function withoutRejected(words: readonly string[]): string[] {
  return words.filter((w, i) => w !== INSTEAD && words[i - 1] !== INSTEAD);
}

/** The analyzer of a language ("en", "fr", "fr-CA" uses "fr"; others get no stop words and no lexicon). */
export function createTextAnalyzer(language: string): TextAnalyzer {
  const { stopwords, fillers, questionWords, courtesyWords } = languageWordsFor(language);
  const lexicon = lexiconFor(language);
  const [stopList, questionList] = [[...stopwords], [...questionWords]];
  const oneTypoFrom = (word: string, list: readonly string[]) =>
    word.length >= 4 ? list.find((w) => w[0] === word[0] && editDistance(word, w, 1) === 1) : undefined;
  const squeeze = (word: string) => word.replace(/(\p{L})\1{2,}/gu, '$1');
  // Clause by clause, so that a request turned down ends at the punctuation that ends its clause.
  const reading = (text: string) => {
    let declined = false;
    const words = lexicon
      .prepare(text)
      .split(CLAUSE_BREAK)
      .flatMap((clause) => {
        const read = markDeclinedRequests(lexicon.rewrite(tokenize(clause).map(squeeze)), language);
        declined ||= read.declined;
        return read.words;
      });
    return { words, declined };
  };
  // Words turned down are in capitals (declined-requests.ts): "MY" is a stop word too. A text made only of stop words
  // keeps them ("are you there?"), but not one that turned a request down: "I" is all that is left of "I don't want to".
  const contentOf = ({ words, declined }: { words: readonly string[]; declined: boolean }) => {
    const content = withoutRejected(words.filter((w) => !isStopword(w.toLowerCase(), stopwords) && !/^\d+$/.test(w)));
    if (content.length > 0 || declined) return [...new Set(content)];
    const meaningful = words.filter((w) => !fillers.has(w));
    return [...new Set(meaningful.length > 0 ? meaningful : words)];
  };
  return {
    words: (text) => reading(text).words,
    contentWords: (text) => contentOf(reading(text)),
    read(text) {
      const read = reading(text);
      return { words: read.words, contentWords: contentOf(read) };
    },
    stem: stemmerFor(language),
    isQuestionWord: (word) => questionWords.has(word),
    isCourtesyWord: (word) => courtesyWords.has(word),
    correct(word) {
      // "heyy", "byee": a doubled last letter the lexicon does not know, on a word it does.
      const squeezed = word.replace(/(\p{L})\1+$/u, '$1');
      const known = squeezed === word ? undefined : lexicon.rewrite([squeezed])[0];
      if (known !== undefined && known !== squeezed) return known;
      const synonym = lexicon.nearest(word);
      if (synonym !== undefined) return synonym;
      const question = oneTypoFrom(word, questionList);
      if (question !== undefined) return question;
      return oneTypoFrom(word, stopList) === undefined ? word : undefined;
    },
  };
}
