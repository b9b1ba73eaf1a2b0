/**
 * Function words that say little about what a person wants, per language, already folded (no accents).
 * Single letters left by elisions and contractions (l', j', qu', it's) are dropped in every language.
 * Question words and wanting/asking verbs (what, how, want, quel, comment, veux) are stop words too: they
 * appear in every kind of request, so they only blur the words that say what the request is about.
 */
const EN = `a an the is are am was were be been being i im me my mine myself you your yours u ur we us our ours
it its this that these those there here to of for in on at by with from about into and or but so if then
do does did doing done can could would will shall should may might must have has had having
please pls plz just some any also too very really ok okay
what whats which how who whom whose why where wheres when
want wanna wants need needs would like id know tell let lets give get got`;

// Words that say nothing even when nothing else is left ("please", "hey guys" → "hey").
const EN_FILLERS = `please pls plz ok okay k guys folks yall everyone everybody hmm um uh er oh well just so`;

const FR = `le la les un une des de du au aux a et ou est sont suis es etes sommes ete etre ai as avez avons ont
je tu il elle on nous vous ils elles me te se moi toi lui mon ma mes ton ta tes son sa ses notre nos votre vos
leur leurs ce cet cette ces ca cela ceci que qu quoi dont en y ne pas pour par sur dans avec chez
svp stp sil plait bien tres vraiment alors donc voila juste
quel quelle quels quelles comment qui ou quand pourquoi
veux voudrais voudrait veut peux pouvez peut puis pourriez pourrais dois doit faut savoir dire
faire fais fait faites font`;

const FR_FILLERS = `svp stp sil plait ok okay euh heu ben bah hum alors donc voila juste`;

const BY_LANGUAGE: Record<string, ReadonlySet<string>> = {
  en: new Set(`${EN} ${EN_FILLERS}`.split(/\s+/)),
  fr: new Set(`${FR} ${FR_FILLERS}`.split(/\s+/)),
};
const FILLERS: Record<string, ReadonlySet<string>> = {
  en: new Set(EN_FILLERS.split(/\s+/)),
  fr: new Set(FR_FILLERS.split(/\s+/)),
};

/**
 * The stop words of a language ("en", "fr", "fr-CA" uses "fr"). Unknown languages get none,
 * which only makes matching a little noisier.
 */
export function stopwordsFor(language: string): ReadonlySet<string> {
  return BY_LANGUAGE[language.slice(0, 2).toLowerCase()] ?? new Set();
}

/** Stop words that are dropped even from a text made only of stop words ("please", "guys", "euh"). */
export function fillersFor(language: string): ReadonlySet<string> {
  return FILLERS[language.slice(0, 2).toLowerCase()] ?? new Set();
}

/** True for words to leave out when weighing what a text is about. */
export function isStopword(word: string, stopwords: ReadonlySet<string>): boolean {
  return word.length < 2 || stopwords.has(word);
}
