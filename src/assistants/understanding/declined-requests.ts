/**
 * What a person says they do not want to do: "I don't want to cancel my order" does not ask to cancel it, though
 * it has every word of "cancel my order". Only a negated wish or need followed by a verb is read so, since most
 * negations are part of the request itself: "I can't log in", "my parcel never came", "don't send my order" (stop it),
 * "I don't want it anymore" (cancel it), "je ne veux plus de ma commande".
 */

/** Words that end what a negation covers when no punctuation does: "I don't want to cancel but to change it". */
const CLAUSE_ENDS = new Set(['but', 'and', 'because', 'so', 'then', 'mais', 'et', 'car', 'parce', 'donc', 'puis']);

/** Not wanting to talk to the bot asks for a person: that is no request turned down. */
const BOT_WORDS = new Set(['bot', 'robot', 'machine', 'chatbot', 'ia']);

// English, as the lexicon writes it ("don't", "didn't", "do not" → "not"): not or never, then a wish or a need, then
// "to": "I don't want to", "I didn't mean to", "I never wanted to", "I don't really need to". Also "no need to",
// "no longer want to", and a preference: "I'd rather not", "I'd sooner not", "I'd prefer not to".
const EN_NOT = new Set(['not', 'never']);
const EN_RATHER = new Set(['rather', 'sooner']);
const EN_PREFER = new Set(['prefer', 'preferred']);
const EN_WISH = new Set(['want', 'wanted', 'wish', 'need', 'needed', 'mean', 'meant', 'intend', 'plan', 'planned']);
const EN_ADVERBS = new Set(['really', 'even', 'actually', 'necessarily', 'longer']);

// French: a wish, then "pas", "plus" or "jamais", then a verb ("je ne veux pas annuler", "je veux plus attendre"), not an
// object ("je ne veux plus de ma commande", "je ne veux pas que"); and "pas besoin de", "plus envie de".
const FR_WISH = new Set(['veux', 'voudrais', 'voulais', 'souhaite', 'souhaiterais', 'souhaitais', 'compte', 'tiens']);
const FR_NOT = new Set(['pas', 'plus', 'jamais']);
const FR_NEEDS = new Set(['besoin', 'envie']);
const FR_NO_VERB = new Set(
  `de d du des la le les l un une ma mon mes ta ton tes sa son ses notre nos votre vos leur leurs ce cet cette ces ca
cela que qu en y a au aux rien tout`.split(/\s+/),
);

/**
 * Finds the requests a clause's words turn down: from a position on, where the next one's negation starts and where
 * what it turns down does.
 */
function declinedFinder(words: readonly string[], language: string) {
  return (from: number): { start: number; object: number } | undefined => {
    const at = (i: number) => words[i] ?? '';
    for (let i = from; i < words.length; i++) {
      if (language === 'fr') {
        if (FR_WISH.has(at(i)) && FR_NOT.has(at(i + 1)) && at(i + 2) !== '' && !FR_NO_VERB.has(at(i + 2)))
          return { start: i, object: i + 2 };
        if (FR_NOT.has(at(i)) && FR_NEEDS.has(at(i + 1)) && (at(i + 2) === 'de' || at(i + 2) === 'd'))
          return { start: i, object: i + 3 };
      } else {
        if (at(i) === 'no' && at(i + 1) === 'need' && at(i + 2) === 'to') return { start: i, object: i + 3 };
        if (EN_RATHER.has(at(i)) && at(i + 1) === 'not')
          return { start: i, object: at(i + 2) === 'to' ? i + 3 : i + 2 };
        if (EN_PREFER.has(at(i)) && at(i + 1) === 'not' && at(i + 2) === 'to') return { start: i, object: i + 3 };
        if (!EN_NOT.has(at(i)) && !(at(i) === 'no' && at(i + 1) === 'longer')) continue;
        const wish = EN_ADVERBS.has(at(i + 1)) ? i + 2 : i + 1;
        if (at(wish) === 'wanna') return { start: i, object: wish + 1 };
        if (EN_WISH.has(at(wish)) && at(wish + 1) === 'to') return { start: i, object: wish + 2 };
      }
    }
    return undefined;
  };
}

/**
 * One clause's words (folded, rewritten by the lexicon) with the requests it turns down marked: the negation and the
 * wish left out, and what is turned down, to the end of the clause ("but", "and", "mais"...), in capitals: "i not want
 * to cancel my order" → "i CANCEL MY ORDER". Capitals are never typed once a text is folded, so these words meet only
 * the same words turned down in an example ("I don't want to receive your emails" for an action that unsubscribes),
 * never "cancel my order"; not even in part, since no trigram of "CANCEL" is one of "cancel". `declined` tells whether
 * the clause turned anything down. English rules for any language but French.
 */
export function markDeclinedRequests(
  words: readonly string[],
  language: string,
): { words: readonly string[]; declined: boolean } {
  const declinedAt = declinedFinder(words, language.slice(0, 2).toLowerCase());
  const marked: string[] = [];
  let [from, declined] = [0, false];
  for (let found = declinedAt(0); found; found = declinedAt(from)) {
    let end = found.object;
    while (end < words.length && !CLAUSE_ENDS.has(words[end]!)) end++;
    const object = words.slice(found.object, end);
    if (object.some((w) => BOT_WORDS.has(w))) {
      marked.push(...words.slice(from, end));
    } else {
      marked.push(...words.slice(from, found.start), ...object.map((w) => w.toUpperCase()));
      declined = true;
    }
    from = end;
  }
  return declined ? { words: [...marked, ...words.slice(from)], declined } : { words, declined };
}
