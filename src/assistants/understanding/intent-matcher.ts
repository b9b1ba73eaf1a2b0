import { buildIntentIndex, type KnownWord } from './intent-index.ts';
import { trainIntentModel } from './intent-model.ts';
import { memoized } from './memoized.ts';
import { createTextAnalyzer } from './text-analysis.ts';
import { stemmedWordSimilarity } from './word-similarity.ts';

/** An intent and the example phrasings it is trained from. */
export interface IntentDefinition {
  id: string;
  examples: readonly string[];
}

export interface IntentMatcherOptions {
  /**
   * Language of the examples and inputs: stop words and the built-in lexicon of synonyms (lexicon.ts);
   * default "en". Accents are folded in every language.
   */
  language?: string;
  /**
   * Texts no intent should start (a flow's `fallback.examples`): "what time is it", "who won the match". The learned
   * model gets them as one more class, "none of these", trained with the intents' examples: a text like them puts
   * probability there, which lowers every intent's probability and so its score. The class is never ranked, and its
   * words are never read as typos of the intents' words. Default: none (the intents' probabilities sum to 1).
   */
  offTopic?: readonly string[];
}

/**
 * How well a text matches one intent, from 0 (nothing in common) to 1 (same words as an example, and the model sure of
 * it).
 */
export interface IntentScore {
  intent: string;
  /** `sqrt(similarity × sqrt(probability))`: what the thresholds compare. */
  score: number;
  /** How much the text resembles the intent's examples, 0..1 (1: the same words as one of them). */
  similarity: number;
  /**
   * The learned model's probability that the text means this intent: all intents' sum to 1, less what the model puts
   * on the off-topic class when the matcher has one.
   */
  probability: number;
  /** The training example that scored best. */
  example: string;
}

export interface IntentMatcher {
  /** Every intent with its score, best first (ties keep definition order). Empty when there are no examples. */
  rank(text: string): IntentScore[];
}

/** Share of the score that comes from word overlap; the rest comes from character trigrams. */
const WORD_SHARE = 0.5;

/** A match of a text's request without its courtesy words counts a little less than one of the whole text. */
const REQUEST_ONLY = 0.95;

/** How many input words a matcher remembers the similar known words of (a few MB at most). */
const MEMORY = 5000;

/**
 * Trains an intent matcher from examples, with no model and no network. A text's score for an intent mixes:
 * - word overlap, each word weighted by its rarity across intents (a word used by one intent says more than
 *   one used by all), with misspelt and inflected words as partial matches and unknown words counting against
 *   the text: how much of the text the intent's examples explain, taken together (so "order" and "late" from
 *   two examples of one intent add up), and how much of its best example the text says;
 * - cosine similarity of character-trigram TF-IDF vectors with that example, which absorbs typos and word forms.
 * Words go through the language's lexicon first ("hiya" → "hello"), so synonyms meet (text-analysis.ts), and are
 * compared by stem (stemmer.ts). Greetings and thanks next to a request do not outweigh it ("hi, where is my order").
 */
export function createIntentMatcher(
  intents: readonly IntentDefinition[],
  options: IntentMatcherOptions = {},
): IntentMatcher {
  const analyzer = createTextAnalyzer(options.language ?? 'en');
  const index = buildIntentIndex(intents, analyzer);
  const { examples, intentIds } = index;
  // The off-topic texts are class `intentIds.length`, after the intents, and stay out of the index: their words count
  // against a text in the similarity as any unknown word does.
  const offTopic = (options.offTopic ?? []).map((text) => ({ ...analyzer.read(text), intent: intentIds.length }));
  const offTopicWords = new Set(offTopic.flatMap((t) => t.contentWords));
  const known = (word: string) => index.words.has(word) || offTopicWords.has(word);
  // Trained on the index's examples in their order, the off-topic texts spread among them: its first classes are the
  // index's intents.
  const model = trainIntentModel(
    interleave(
      examples.map((e) => ({ intent: e.intent, contentWords: e.contentWords, words: e.allWords })),
      offTopic,
    ),
    intentIds.length + (offTopic.length > 0 ? 1 : 0),
    analyzer.stem,
  );

  /**
   * A text's content words as the matcher reads them; one no example uses may be a typo: "packge" → "parcel",
   * "wher" → "where", "pleasse" → dropped, "candels" → "candles".
   */
  function inputWords(candidates: readonly string[]): string[] {
    const corrected: string[] = [];
    for (const word of candidates) {
      // A word of a request the text turns down (in capitals, declined-requests.ts) meets only an example turning the
      // same down; with none, it says nothing of what the text asks, and does not count against it.
      if (!known(word) && word !== word.toLowerCase()) {
        const like = index.misspelt(word);
        if (like !== undefined) corrected.push(like);
        continue;
      }
      const kept = known(word) ? word : analyzer.correct(word);
      if (kept !== undefined) corrected.push(known(kept) ? kept : (index.misspelt(kept) ?? kept));
    }
    return [...new Set(corrected.length > 0 ? corrected : candidates)];
  }

  /**
   * The known words like an input word, with their similarity, and the word's weight: as much as the known word it
   * most resembles. Remembered (up to MEMORY words), since customers keep using the same words.
   */
  const similarWords = memoized((word: string) => {
    const input = { word, stem: analyzer.stem(word) };
    const similar: [KnownWord, number][] = [];
    let weight = index.unknownWordWeight(word);
    let best = 0;
    for (const known of index.wordsLike(word)) {
      const sim = stemmedWordSimilarity(input, known);
      if (sim === 0) continue;
      similar.push([known, sim]);
      if (sim > best) [best, weight] = [sim, known.weight];
    }
    return { weight, similar };
  }, MEMORY);

  /** How well each intent's examples together explain the text, and each example the text (0..1). */
  function wordOverlap(words: readonly string[]) {
    const explained = intentIds.map(() => new Float64Array(words.length));
    const bestSimilarity = new Map<KnownWord, number>();
    const weights = words.map((word, i) => {
      const { weight, similar } = similarWords(word);
      for (const [known, sim] of similar) {
        if (sim > (bestSimilarity.get(known) ?? 0)) bestSimilarity.set(known, sim);
        for (const intent of known.intents) explained[intent]![i] = Math.max(explained[intent]![i]!, sim);
      }
      return weight;
    });
    const weightSum = weights.reduce((sum, w) => sum + w, 0);
    const byIntent = explained.map((sims) =>
      weightSum === 0 ? 0 : weights.reduce((sum, w, i) => sum + w * sims[i]!, 0) / weightSum,
    );
    const covered = new Float64Array(examples.length);
    for (const [known, sim] of bestSimilarity) for (const e of known.examples) covered[e]! += known.weight * sim;
    const byExample = examples.map((example, e) =>
      example.wordWeightSum === 0 ? 0 : covered[e]! / example.wordWeightSum,
    );
    return { byIntent, byExample, any: weightSum > 0 };
  }

  /** Cosine of the text's trigram vector with every example's. */
  function trigramSimilarity(words: readonly string[]): Float64Array {
    const dot = new Float64Array(examples.length);
    for (const [gram, value] of index.trigramVector(words)) {
      for (const posting of index.trigramPostings.get(gram) ?? []) dot[posting.example]! += value * posting.value;
    }
    return dot;
  }

  /** Each intent's best example and its score for these words, in intent order. */
  function scoresFor(words: readonly string[]): IntentScore[] {
    const overlap = wordOverlap(words);
    const trigrams = trigramSimilarity(words);
    const best: IntentScore[] = [];
    examples.forEach((example, e) => {
      const wordScore = overlap.any ? (overlap.byIntent[example.intent]! + overlap.byExample[e]!) / 2 : 0;
      // Rounded so that a text with the same words as an example scores exactly 1, not 0.9999999999999998.
      const score = Math.round((WORD_SHARE * wordScore + (1 - WORD_SHARE) * trigrams[e]!) * 1e9) / 1e9;
      const current = best[example.intent];
      if (!current || score > current.score) {
        best[example.intent] = {
          intent: intentIds[example.intent]!,
          score,
          similarity: score,
          probability: 0,
          example: example.text,
        };
      }
    });
    return best;
  }

  function rank(text: string): IntentScore[] {
    // A flow of buttons and postbacks only: reading the text would find nothing to rank it against.
    if (intentIds.length === 0) return [];
    const reading = analyzer.read(text);
    const words = inputWords(reading.contentWords);
    const scores = scoresFor(words);
    // "hi, where is my order?": next to a request, a greeting or a thanks is politeness. Each intent keeps the better
    // of its scores with and without the courtesy words, so the request is weighed almost as if said alone; the text
    // as written wins a tie ("merci pour votre aide" is a thanks, not a request for "aide").
    const request = words.filter((w) => !analyzer.isCourtesyWord(w));
    if (request.length < words.length && request.some((w) => !analyzer.isQuestionWord(w) && index.words.has(w))) {
      scoresFor(request).forEach((s, i) => {
        const partial = Math.round(s.score * REQUEST_ONLY * 1e9) / 1e9;
        if (partial > scores[i]!.score) scores[i] = { ...s, score: partial, similarity: partial };
      });
    }
    // The similarity tells a text about something else (it explains little of it); the probability tells which of
    // the intents it resembles it means. Their geometric mean, the probability's square root taken first so that the
    // default threshold of 0.5 keeps separating the two on the development phrasings as it did the similarity alone.
    const probabilities = model.probabilities({ contentWords: words, words: reading.words });
    scores.forEach((s, i) => {
      s.probability = probabilities[i]!;
      s.score = Math.round(Math.sqrt(s.similarity * Math.sqrt(s.probability)) * 1e9) / 1e9;
    });
    return scores.sort((a, b) => b.score - a.score);
  }

  return { rank };
}

/** `b`'s items spread evenly among `a`'s, orders kept. */
function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let j = 0;
  a.forEach((item, i) => {
    out.push(item);
    while (j < b.length && (j + 1) * a.length <= (i + 1) * b.length) out.push(b[j++]!);
  });
  return [...out, ...b.slice(j)];
}
